/**
 * The part of the WebAssembly JavaScript API the kernels use. Node provides it as a global, but
 * TypeScript declares it only in the DOM and web-worker libs, which this Node project leaves out.
 */
declare namespace WebAssembly {
  function validate(bytes: Uint8Array): boolean;
  class Module {
    constructor(bytes: Uint8Array);
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Global {
    value: unknown;
  }
  type ExportValue = ((...args: number[]) => unknown) | Global | Memory;
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, ExportValue>;
  }
}
