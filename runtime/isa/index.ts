// The instruction set, as one import for the rest of tsbpf.
export * from "./opcodes.js";
export * from "./instruction.js";
export * from "./decode.js";
export * from "./encode.js";
export * from "./disasm.js";
export * from "./asm-program.js";
export * from "./asm-llvm.js";
export * from "./asm-conformance.js";
