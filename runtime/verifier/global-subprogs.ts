// Global (BTF_FUNC_GLOBAL) subprograms, which the kernel verifies once each, on their own, from
// their BTF prototype (btf_prepare_func_args), instead of in the context of each call: a
// caller's arguments are checked against the prototype (btf_check_subprog_call) and the call
// returns an unknown scalar. Argument kinds modelled: scalars (int/enum), the context (a
// pointer to struct xdp_md, or any pointer tagged arg:ctx), and pointers to memory of the
// pointee's BTF size (nullable unless tagged arg:nonnull), and arg:trusted pointers to struct
// task_struct (nullable when tagged arg:nullable). Other kinds (other arg:trusted BTF pointers,
// dynptrs, arenas, untyped pointers) are refused as not supported.

import type { LinkedProgram } from "../object/link.js";
import { resolveType, sizeOf } from "../object/btf/sizes.js";
import { FuncLinkage, type Btf } from "../object/btf/types.js";
import { checkRegion } from "./access.js";
import { readReg } from "./alu.js";
import type { Cfg } from "./cfg.js";
import { freshId, type Env } from "./env.js";
import { RuleError } from "./messages.js";
import { scalarUnknown } from "./scalar.js";
import { newFrame, NOT_INIT, typeName, ZERO, type RegState, type VerifierState } from "./state.js";
import { helperMem } from "./calls.js";
import { mapAllRegs } from "./jumps.js";
import { subprogChangesPkt } from "./pkt-changes.js";

export type GlobalArg =
  | { readonly kind: "scalar" }
  | { readonly kind: "ctx" }
  | { readonly kind: "mem"; readonly size: number; readonly nullable: boolean }
  /** arg:trusted pointer to a kernel struct (only struct task_struct is modelled). */
  | { readonly kind: "trusted"; readonly btf: string; readonly nullable: boolean }
  | { readonly kind: "unsupported"; readonly why: string };

export interface GlobalSubprog {
  readonly name: string;
  /** Subprogram index (cfg order). */
  readonly subprog: number;
  readonly args: readonly GlobalArg[];
  /** Why the prototype itself is refused (the kernel's words), if it is. */
  readonly invalid?: string;
}

const MAX_BPF_FUNC_REG_ARGS = 5;

function argKind(btf: Btf, typeId: number, tags: readonly string[], index: number): GlobalArg | { kind: "invalid"; why: string } {
  const t = resolveType(btf, typeId);
  if (tags.includes("arg:arena")) return { kind: "unsupported", why: "arena pointer arguments" };
  if (tags.includes("arg:trusted")) {
    const pointee = t?.kind === "PTR" ? resolveType(btf, t.type) : undefined;
    if (pointee?.kind !== "STRUCT" || pointee.name !== "task_struct") return { kind: "unsupported", why: "trusted (BTF-typed) pointer arguments other than struct task_struct" };
    return { kind: "trusted", btf: "task_struct", nullable: tags.includes("arg:nullable") };
  }
  if (!t) return { kind: "unsupported", why: "a void argument" };
  if (t.kind === "INT" || t.kind === "ENUM" || t.kind === "ENUM64") return { kind: "scalar" };
  if (t.kind !== "PTR") return { kind: "unsupported", why: `${t.kind.toLowerCase()} arguments` };
  const pointee = resolveType(btf, t.type);
  // arg:ctx needs a pointer to void or to XDP's context type (btf_is_prog_ctx_type).
  if (tags.includes("arg:ctx")) {
    const ok = !pointee || (pointee.kind === "STRUCT" && (pointee.name === "xdp_md" || pointee.name === "xdp_buff"));
    return ok ? { kind: "ctx" } : { kind: "invalid", why: `arg#${index} has arg:ctx but is not a pointer to void or to the program's context type` };
  }
  if (pointee?.kind === "STRUCT" && pointee.name === "xdp_md") return { kind: "ctx" };
  if (pointee?.kind === "STRUCT" && pointee.name === "bpf_dynptr") return { kind: "unsupported", why: "dynptr arguments" };
  const size = pointee ? sizeOf(btf, t.type) : undefined;
  if (size === undefined || size === 0) return { kind: "unsupported", why: "pointer arguments without a sized pointee" };
  return { kind: "mem", size, nullable: !tags.includes("arg:nonnull") };
}

/** The global subprograms of a linked program, from the object's BTF (func_info types). */
export function globalSubprogs(btf: Btf | undefined, prog: LinkedProgram, cfg: Cfg): Map<number, GlobalSubprog> {
  const out = new Map<number, GlobalSubprog>();
  if (!btf) return out;
  for (const f of prog.functions.slice(1)) {
    const func = f.funcTypeId !== undefined ? btf.types[f.funcTypeId - 1] : undefined;
    if (func?.kind !== "FUNC" || func.linkage !== FuncLinkage.GLOBAL) continue;
    const subprog = cfg.subprogAt.get(f.slot);
    if (subprog === undefined) continue;
    const proto = btf.types[func.type - 1];
    if (proto?.kind !== "FUNC_PROTO") continue;
    const tagsOf = (i: number): string[] =>
      btf.types.flatMap((t) => (t.kind === "DECL_TAG" && t.type === f.funcTypeId && t.componentIdx === i ? [t.name] : []));
    const ret = resolveType(btf, proto.returnType);
    let invalid: string | undefined;
    if (proto.params.length > MAX_BPF_FUNC_REG_ARGS) invalid = `Global function ${f.name}() with ${proto.params.length} > ${MAX_BPF_FUNC_REG_ARGS} args. Buggy compiler.`;
    else if (!ret || (ret.kind !== "INT" && ret.kind !== "ENUM" && ret.kind !== "ENUM64")) invalid = `Global function ${f.name}() doesn't return scalar. Only those are supported.`;
    const kinds = proto.params.map((p, i) => argKind(btf, p.type, tagsOf(i), i));
    const bad = kinds.find((k) => k.kind === "invalid");
    if (!invalid && bad?.kind === "invalid") invalid = bad.why;
    const args = kinds.map((k): GlobalArg => (k.kind === "invalid" ? { kind: "unsupported", why: k.why } : k));
    // btf_prepare_func_args failing makes every call of the function fail.
    if (invalid) invalid = `${invalid}; Caller passes invalid args into func#${subprog} ('${f.name}')`;
    out.set(subprog, { name: f.name, subprog, args, ...(invalid ? { invalid } : {}) });
  }
  return out;
}

const unsupported = (g: GlobalSubprog): string | undefined => {
  const u = g.args.find((a): a is Extract<GlobalArg, { kind: "unsupported" }> => a.kind === "unsupported");
  return u ? `global function ${g.name} takes ${u.why}, which is not supported by tsbpf's verifier` : undefined;
};

/**
 * A call of global subprogram `g` (btf_check_subprog_call): the arguments must match its
 * prototype; the callee is not entered, r0 becomes an unknown scalar. Returns the next slot.
 */
export function callGlobal(env: Env, st: VerifierState, g: GlobalSubprog, insnIdx: number): number {
  if (g.invalid) throw new RuleError(g.invalid);
  const why = unsupported(g);
  if (why) throw new RuleError(why);
  const frame = st.frames[st.frames.length - 1]!;
  const fail = (detail: string, regno: number): never => {
    throw new RuleError(`${detail}; Caller passes invalid args into func#${g.subprog} ('${g.name}')`, [regno]);
  };
  g.args.forEach((arg, i) => {
    const regno = i + 1;
    const reg = readReg(st, regno);
    switch (arg.kind) {
      case "scalar":
        if (reg.type !== "scalar") fail(`R${regno} is not a scalar`, regno);
        break;
      case "ctx":
        if (reg.type !== "ctx") fail(`arg#${i} expects pointer to ctx`, regno);
        else if (reg.off !== 0 || reg.var.tnum.mask !== 0n || reg.var.tnum.value !== 0n) fail(`dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`, regno);
        break;
      case "mem": {
        const isNull = reg.type === "scalar" && reg.s.tnum.mask === 0n && reg.s.tnum.value === 0n;
        if (isNull && arg.nullable) break;
        if (reg.type === "map_value_or_null" || reg.type === "mem_or_null") {
          if (!arg.nullable) fail(`R${regno} type=${typeName(reg.type)} expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_`, regno);
          const size = reg.type === "mem_or_null" ? reg.size : env.maps[(reg as { map: number }).map]!.valueSize;
          checkRegion(regno, reg, reg.off, arg.size, size, (o) => `invalid access to memory, mem_size=${size} off=${o} size=${arg.size}`);
          break;
        }
        try {
          // check_mem_reg: the memory must be readable and writable for the pointee's size.
          helperMem(env, st, regno, arg.size, false);
          helperMem(env, st, regno, arg.size, true);
        } catch (e) {
          if (e instanceof RuleError) fail(e.message, regno);
          throw e;
        }
        break;
      }
      case "trusted": {
        const isNull = reg.type === "scalar" && reg.s.tnum.mask === 0n && reg.s.tnum.value === 0n;
        if (isNull && arg.nullable) break;
        if (reg.type === "ptr_or_null_" && reg.btf === arg.btf && arg.nullable) break;
        if (reg.type === "ptr_or_null_") fail(`R${regno} type=ptr_or_null_ expected=ptr_, trusted_ptr_, rcu_ptr_`, regno);
        // A scalar or the context (probed on 6.18.44) is no trusted pointer.
        if (reg.type === "scalar" || reg.type === "ctx") fail(`R${regno} must be referenced or trusted`, regno);
        // Trusted tasks: the current task or a referenced one (untrusted casts carry another name).
        if (reg.type !== "ptr_" || reg.btf !== arg.btf) throw new RuleError(`R${regno} passed to a trusted struct ${arg.btf} argument of ${g.name} is not supported by tsbpf's verifier`, [regno]);
        break;
      }
      case "unsupported":
        break;
    }
  });
  for (let r = 1; r <= 5; r++) frame.regs[r] = NOT_INIT;
  frame.regs[0] = { type: "scalar", s: scalarUnknown(), id: 0 };
  // A global that may change packet data (a tail call included) invalidates the caller's
  // packet pointers (check_func_call).
  if (subprogChangesPkt(env, g.subprog)) {
    mapAllRegs(st, (r) => (r.type === "pkt" || r.type === "pkt_meta" || r.type === "pkt_end" ? { type: "scalar", s: scalarUnknown(), id: 0 } : r));
  }
  env.globalsCalled?.add(g.subprog);
  return insnIdx + 1;
}

/** The state a global subprogram is verified from: its arguments as its prototype says. */
export function globalEntryState(env: Env, g: GlobalSubprog): VerifierState {
  const why = unsupported(g);
  if (why) throw new RuleError(why);
  const frame = newFrame(g.subprog, -1, false, 0);
  g.args.forEach((arg, i) => {
    let r: RegState;
    switch (arg.kind) {
      case "scalar":
        r = { type: "scalar", s: scalarUnknown(), id: 0 };
        break;
      case "ctx":
        r = { type: "ctx", off: 0, var: ZERO };
        break;
      case "mem":
        r = arg.nullable ? { type: "mem_or_null", size: arg.size, off: 0, var: ZERO, id: freshId(env), ref: 0 } : { type: "mem", size: arg.size, off: 0, var: ZERO, id: 0, ref: 0 };
        break;
      case "trusted":
        r = arg.nullable ? { type: "ptr_or_null_", btf: arg.btf, id: freshId(env), ref: 0 } : { type: "ptr_", btf: arg.btf, id: 0, ref: 0 };
        break;
      case "unsupported":
        r = NOT_INIT;
        break;
    }
    frame.regs[i + 1] = r;
  });
  return { frames: [frame], refs: [], parent: undefined, hist: undefined, firstInsn: 0, lastInsn: -1, dfsDepth: 0, cbUnroll: 0, mayGotoDepth: 0, rcuLock: false };
}
