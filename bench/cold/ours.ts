/**
 * Cold start of our client: import it, sign and send one invest to the
 * sandbox, exit. Arguments: sandbox URL, API key, API secret, plan id.
 *
 * @module
 */

import { WhiteBitClient } from "../../mod.ts";

const [baseUrl, apiKey, apiSecret, planId] = Deno.args;
const client = new WhiteBitClient({ apiKey, apiSecret, baseUrl });
await client.invest({ planId, amount: "1" });
