/**
 * Attribute-free elementwise unary ops: the activations Relu, Sigmoid, Tanh, Softplus, Softsign
 * and the cheap math exporters emit (Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round,
 * Erf, Sign, Not). Dtype classes follow the kernels onnxruntime registers: the math functions
 * take floats only, Abs/Neg/Sign/Relu also integers (Neg and Abs wrap, -(-128) is -128 in int8).
 */
import { erf, roundHalfEven } from '../kernels/special-functions.js';
import { unaryOp } from './elementwise.js';

// Derivatives are unaryOp's last argument. Floor, Ceil, Round and Sign are piecewise constant:
// zero gradient almost everywhere, as in PyTorch; Not (bool) has none.
const zero = () => 0;
import { lookupFacet } from '../quant/shared-facets.js';
import { lookupEmitC } from '../codegen/emit-ops/elementwise.js';

// Integer facets: int8 lookup tables (quant/shared-facets.ts); Sigmoid and Tanh have TFLite's
// fixed output qparams (1/256, -128) and (1/128, 0).
export const Relu = { ...unaryOp('Relu', 'signed', (x) => (x < 0 ? 0 : x), (x) => (x > 0 ? 1 : 0)), integer: lookupFacet(() => (x) => (x < 0 ? 0 : x)), emitC: lookupEmitC };
export const Abs = unaryOp('Abs', 'numeric', Math.abs, Math.sign);
export const Neg = unaryOp('Neg', 'signed', (x) => -x, () => -1);
// Sign keeps NaN (sign(NaN) is NaN in numpy and onnxruntime) and maps -0 to 0.
export const Sign = unaryOp('Sign', 'numeric', (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x), zero);
export const Exp = unaryOp('Exp', 'float', Math.exp, (_x, y) => y);
export const Log = unaryOp('Log', 'float', Math.log, (x) => 1 / x);
export const Sqrt = unaryOp('Sqrt', 'float', Math.sqrt, (_x, y) => 0.5 / y);
export const Reciprocal = unaryOp('Reciprocal', 'float', (x) => 1 / x, (x) => -1 / (x * x));
export const Floor = unaryOp('Floor', 'float', Math.floor, zero);
export const Ceil = unaryOp('Ceil', 'float', Math.ceil, zero);
export const Round = unaryOp('Round', 'float', roundHalfEven, zero);
export const Erf = unaryOp('Erf', 'float', erf, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const Sigmoid = { ...unaryOp('Sigmoid', 'float', sigmoid, (_x, y) => y * (1 - y)), integer: lookupFacet(() => sigmoid, { scale: 1 / 256, zeroPoint: -128 }), emitC: lookupEmitC };
export const Tanh = { ...unaryOp('Tanh', 'float', Math.tanh, (_x, y) => 1 - y * y), integer: lookupFacet(() => Math.tanh, { scale: 1 / 128, zeroPoint: 0 }), emitC: lookupEmitC };
// log(1 + e^x) written so that neither branch overflows: x + log1p(e^-x) for positive x.
export const Softplus = unaryOp('Softplus', 'float', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), (x) => 1 / (1 + Math.exp(-x)));
export const Softsign = unaryOp('Softsign', 'float', (x) => x / (1 + Math.abs(x)), (x) => 1 / (1 + Math.abs(x)) ** 2);
export const Not = unaryOp('Not', 'bool', (x) => (x === 0 ? 1 : 0));
