/** npm run tokens:new-key — prints a new TOKEN_ENCRYPTION_KEYS entry (id:base64 of 32 random bytes). */
import { generateKeySpec } from "../lib/tokens/key-ring";

const id = process.argv[2] ?? `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
console.log(generateKeySpec(id));
