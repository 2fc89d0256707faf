/**
 * Cold start of ccxt under Deno: import it, sign and send one invest to the
 * sandbox, exit. Arguments: sandbox URL, API key, API secret, plan id.
 *
 * @module
 */

import { ccxtWhitebit } from "../_ccxt.ts";

const [url, apiKey, apiSecret, planId] = Deno.args;
const exchange = await ccxtWhitebit({ url, apiKey, apiSecret });
await exchange.v4PrivatePostMainAccountSmartInvestment({ planId, amount: "1" });
