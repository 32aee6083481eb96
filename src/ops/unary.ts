/**
 * Attribute-free elementwise unary ops: the activations Relu, Sigmoid, Tanh, Softplus, Softsign
 * and the cheap math exporters emit (Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round,
 * Erf, Sign, Not). Dtype classes follow the kernels onnxruntime registers: the math functions
 * take floats only, Abs/Neg/Sign/Relu also integers (Neg and Abs wrap, -(-128) is -128 in int8).
 */
import { erf, roundHalfEven } from '../kernels/special-functions.js';
import { unaryOp } from './elementwise.js';
import { lookupFacet } from '../quant/shared-facets.js';
import { lookupEmitC } from '../codegen/emit-ops/elementwise.js';

// Integer facets: int8 lookup tables (quant/shared-facets.ts); Sigmoid and Tanh have TFLite's
// fixed output qparams (1/256, -128) and (1/128, 0).
export const Relu = { ...unaryOp('Relu', 'signed', (x) => (x < 0 ? 0 : x)), integer: lookupFacet(() => (x) => (x < 0 ? 0 : x)), emitC: lookupEmitC };
export const Abs = unaryOp('Abs', 'numeric', Math.abs);
export const Neg = unaryOp('Neg', 'signed', (x) => -x);
// Sign keeps NaN (sign(NaN) is NaN in numpy and onnxruntime) and maps -0 to 0.
export const Sign = unaryOp('Sign', 'numeric', (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x));
export const Exp = unaryOp('Exp', 'float', Math.exp);
export const Log = unaryOp('Log', 'float', Math.log);
export const Sqrt = unaryOp('Sqrt', 'float', Math.sqrt);
export const Reciprocal = unaryOp('Reciprocal', 'float', (x) => 1 / x);
export const Floor = unaryOp('Floor', 'float', Math.floor);
export const Ceil = unaryOp('Ceil', 'float', Math.ceil);
export const Round = unaryOp('Round', 'float', roundHalfEven);
export const Erf = unaryOp('Erf', 'float', erf);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const Sigmoid = { ...unaryOp('Sigmoid', 'float', sigmoid), integer: lookupFacet(() => sigmoid, { scale: 1 / 256, zeroPoint: -128 }), emitC: lookupEmitC };
export const Tanh = { ...unaryOp('Tanh', 'float', Math.tanh), integer: lookupFacet(() => Math.tanh, { scale: 1 / 128, zeroPoint: 0 }), emitC: lookupEmitC };
// log(1 + e^x) written so that neither branch overflows: x + log1p(e^-x) for positive x.
export const Softplus = unaryOp('Softplus', 'float', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));
export const Softsign = unaryOp('Softsign', 'float', (x) => x / (1 + Math.abs(x)));
export const Not = unaryOp('Not', 'bool', (x) => (x === 0 ? 1 : 0));
