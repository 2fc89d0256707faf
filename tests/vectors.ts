// WhiteBIT signing test vectors (see shared/whitebit/NOTES.md), shared by the
// signing tests and the runtime matrix.

/** The secret both vectors are signed with. */
export const VECTOR_SECRET = "test-secret";

// Published in whitebit-cli's test/lib/auth.test.ts.
export const TRADE_BALANCE_BODY =
  '{"request":"/api/v4/trade-balance","nonce":1700000000000,"nonceWindow":true,"ticker":"BTC"}';
export const TRADE_BALANCE_PAYLOAD =
  "eyJyZXF1ZXN0IjoiL2FwaS92NC90cmFkZS1iYWxhbmNlIiwibm9uY2UiOjE3MDAwMDAwMDAwMDAsIm5vbmNlV2luZG93Ijp0cnVlLCJ0aWNrZXIiOiJCVEMifQ==";
export const TRADE_BALANCE_SIGNATURE =
  "81d08e8576e565acb3da4ec9125fc4d87683c97a183a6034f4cf1cd2f2c2b70af2da3aaba2241afa785d5fb7ad6e25d8dbe7049608f409487a56067703df9b92";

// Computed with Node crypto and Web Crypto.
export const INVEST_BODY =
  '{"request":"/api/v4/main-account/smart/investment","nonce":1700000000000,"planId":"8e667b4a-0b71-4988-8af5-9474dbfaeb51","amount":"100"}';
export const INVEST_SIGNATURE =
  "ec239a758b62406429493baa00a99f9e6687d08fedb940dd8eb8da7c794d34bcaa3880d412304f307b01b20f372f2147f78a6b31c9b8f3c9dc9244dad8ef8466";
