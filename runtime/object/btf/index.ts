// Public entry point of the BTF package: the type model, .BTF and .BTF.ext readers
// and writers, the bpftool-compatible dump and the builder. Importers outside
// runtime/object/btf should use this file rather than the individual modules.
export * from "./types.js";
export * from "./ext-types.js";
export { readBtf, type LoadedBtf } from "./reader.js";
export { readBtfExt } from "./ext-reader.js";
export { writeBtf, writeBtfAndExt } from "./writer.js";
export { writeBtfExt } from "./ext-writer.js";
export { dumpBtf, dumpType } from "./dump.js";
export { BtfBuilder, type MemberSpec } from "./builder.js";
export { BtfStringTable, StringTableBuilder } from "./strings.js";
export { addStringsInClangOrder } from "./string-order.js";
