/** Shared-model acceptance at w4a8: builds and bit-exactness (see shared-acceptance.ts). */
import { defineAcceptance } from './shared-acceptance.js';

defineAcceptance('w4a8');
