/**
 * ONNX backend tests that edgec runs but cannot pass by design, each with the reason. Tests that
 * use an op edgec does not define, or an opset the loader does not read, are not listed: the suite
 * reports those as not run. Every test here still runs, expecting failure, so an entry that starts
 * passing fails the suite and must be removed: the list cannot silently hide a fixed (or a new) bug.
 */

const STRING = 'uses string tensors, a dtype edgec does not carry';
const BFLOAT16_TRUNCATED =
  "expects float32 -> bfloat16 by truncation (ONNX 1.12's data); onnxruntime and ONNX 1.13+ round to nearest even, as edgec does";
const LIKE_SHAPE_CONTRADICTS_MODEL =
  "ONNX 1.12's data feeds input `like` with shape [1] where the model declares [3, 4] (bfloat16 CastLike tests only)";
const NOT_A_TENSOR = 'passes a sequence or optional value, edgec carries tensors only';
const TRAINING_DROPOUT = 'training-mode Dropout is random; edgec runs inference only and refuses it';
const TRAINING_BATCHNORM = 'training-mode BatchNormalization (batch statistics, running-mean outputs); edgec runs inference only';

export const EXCLUDED: Record<string, string> = {
  test_cast_FLOAT_to_BFLOAT16: BFLOAT16_TRUNCATED,
  test_cast_FLOAT_to_STRING: STRING,
  test_cast_STRING_to_FLOAT: STRING,
  test_castlike_BFLOAT16_to_FLOAT: LIKE_SHAPE_CONTRADICTS_MODEL,
  test_castlike_BFLOAT16_to_FLOAT_expanded: LIKE_SHAPE_CONTRADICTS_MODEL,
  test_castlike_FLOAT_to_BFLOAT16: LIKE_SHAPE_CONTRADICTS_MODEL,
  test_castlike_FLOAT_to_BFLOAT16_expanded: LIKE_SHAPE_CONTRADICTS_MODEL,
  test_castlike_FLOAT_to_STRING: STRING,
  test_castlike_FLOAT_to_STRING_expanded: STRING,
  test_castlike_STRING_to_FLOAT: STRING,
  test_castlike_STRING_to_FLOAT_expanded: STRING,
  test_identity_opt: NOT_A_TENSOR,
  test_identity_sequence: NOT_A_TENSOR,
  test_training_dropout: TRAINING_DROPOUT,
  test_training_dropout_default: TRAINING_DROPOUT,
  test_training_dropout_default_mask: TRAINING_DROPOUT,
  test_training_dropout_mask: TRAINING_DROPOUT,
  test_batchnorm_epsilon_training_mode: TRAINING_BATCHNORM,
  test_batchnorm_example_training_mode: TRAINING_BATCHNORM,
};
