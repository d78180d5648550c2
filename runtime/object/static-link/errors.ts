// The static linker's one error: inputs that cannot be linked (conflicting definitions,
// sections that disagree), named by object file so the CLI prints one line.
export class StaticLinkError extends Error {
  override readonly name = "StaticLinkError";
}
