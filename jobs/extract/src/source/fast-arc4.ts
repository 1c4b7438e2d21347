/**
 * node-firebird's wire encryption (Firebird 3 "Arc4", i.e. RC4 keyed by the SRP session key) runs
 * in JavaScript, keeping the cipher state in object fields it reads and writes for every byte and
 * zero-filling each output buffer; on a 1M-row read that was ~6 % of the extractor's CPU. Node's
 * OpenSSL 3 has no RC4 without the legacy provider, so we replace the method with the same RC4 on
 * local variables (same state fields `_s`, `_i`, `_j`, same output: tested byte for byte against
 * the driver's own implementation). Installed once per process, before any connection encrypts.
 */
import { createRequire } from 'node:module';

interface Arc4State {
  _s: Uint8Array;
  _i: number;
  _j: number;
}
interface Arc4Class {
  prototype: Arc4State & { transform(data: Uint8Array): Buffer };
}

const require = createRequire(import.meta.url);
/** The driver's Arc4 class (exported as a static of its socket proxy). */
const Arc4 = (require('node-firebird/lib/wire/socket.js') as { Arc4: Arc4Class }).Arc4;
/** The driver's own implementation (tests compare against it). */
export const driverArc4Transform = Arc4.prototype.transform;
let installed = false;

/** RC4 over `data` continuing the cipher state of `this`; returns a new buffer. */
export function arc4Transform(this: Arc4State, data: Uint8Array): Buffer {
  const s = this._s;
  let i = this._i;
  let j = this._j;
  const n = data.length;
  const out = Buffer.allocUnsafe(n);
  for (let k = 0; k < n; k++) {
    i = (i + 1) & 0xff;
    const si = s[i]!;
    j = (j + si) & 0xff;
    const sj = s[j]!;
    s[i] = sj;
    s[j] = si;
    out[k] = data[k]! ^ s[(si + sj) & 0xff]!;
  }
  this._i = i;
  this._j = j;
  return out;
}

export function installFastArc4(): void {
  if (installed) return;
  installed = true;
  Arc4.prototype.transform = arc4Transform;
}
