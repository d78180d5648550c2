// Minimal types for the parts of the elf-tools package (CommonJS, untyped)
// that the ELF tests use as an independent cross-check. Numbers are as it
// decodes them; `name` is resolved through e_shstrndx.
declare module "elf-tools" {
  interface ElfToolsSectionHeader {
    name: string;
    offset: number;
    size: number;
    link: number;
    info: number;
    addralign: number;
    entsize: number;
  }
  interface ElfToolsParse {
    header: { shoff: number; shnum: number; shstrndx: number };
    sections: { header: ElfToolsSectionHeader; data: Buffer }[];
  }
  const elfTools: { parse(image: Buffer): ElfToolsParse };
  export default elfTools;
}
