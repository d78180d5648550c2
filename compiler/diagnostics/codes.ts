// The diagnostic codes of tsbpf. TypeScript's own errors keep their tsc codes; tsbpf's
// codes start at 90001 so they never collide, grouped by what they are about.

export const Code = {
  // 9000x: the program's shape
  NoPrograms: 90001,
  BadProgramSignature: 90002,
  Unsupported: 90003,
  TooDeep: 90004,
  /** A function or value imported from a package that ships only declaration files. */
  ImportWithoutSource: 90008,
  /** Two modules declare a map, global or function table of one name. */
  DuplicateName: 90009,
  // 9010x: types and values
  UnsupportedType: 90101,
  MixedWidths: 90102,
  NotConstant: 90103,
  FloatNotSupported: 90104,
  StringNotSupported: 90105,
  IndexNotProven: 90106,
  ByteOrder: 90107,
  Padding: 90108,
  // 9020x: functions
  Recursion: 90201,
  TooManyArguments: 90202,
  Closure: 90203,
  StackTooLarge: 90204,
  // 9030x: control flow
  UnboundedLoop: 90301,
  MissingReturn: 90302,
  // 9040x: maps and globals
  BadMapDeclaration: 90401,
  BadGlobal: 90402,
  // 9050x: the bundled verifier (tsbpf build verifies the object it wrote)
  VerifierRejected: 90501,
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];
