/** Shared-model acceptance at w8a8: builds, bit-exactness and accuracy (see shared-acceptance.ts). */
import { defineAcceptance } from './shared-acceptance.js';

defineAcceptance('w8a8');
