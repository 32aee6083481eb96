/** Where ../shared is (beside the repo, as CI clones it) and whether it is there. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_MODELS = fileURLToPath(new URL('../../../shared/models', import.meta.url));
export const HAVE_SHARED = existsSync(`${SHARED_MODELS}/manifest.json`);
export const SHARED_MODEL_NAMES = ['digits_lenet', 'resnet8', 'dscnn', 'mobilenetv2_tiny', 'autoencoder'];
/** Put in a describe/it title when a test skips for want of ../shared. */
export const SKIP_NO_SHARED = HAVE_SHARED ? '' : ' [SKIPPED: ../shared/models not found]';
