// Cold start of ccxt under Node (its home runtime, where it sends with
// undici): import it, sign and send one invest to the sandbox, exit.
// Arguments: sandbox URL, API key, API secret, plan id. Configured as
// bench/_ccxt.ts configures it under Deno.
import process from "node:process";

const CCXT_SPECIFIER = "ccxt"; // computed, so `deno check` does not resolve it
const [url, apiKey, apiSecret, planId] = process.argv.slice(2);
const { default: ccxt } = await import(CCXT_SPECIFIER);
const exchange = new ccxt.whitebit({
  apiKey,
  secret: apiSecret,
  enableRateLimit: false,
  options: { nonceWindow: true },
});
exchange.urls.api.v4.public = `${url}/api/v4/public`;
exchange.urls.api.v4.private = `${url}/api/v4`;
await exchange.v4PrivatePostMainAccountSmartInvestment({ planId, amount: "1" });
