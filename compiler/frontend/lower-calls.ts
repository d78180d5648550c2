// Lowering of the calls that reach BPF helpers: map methods (lookup/update/delete through
// bpf_map_*_elem with keys and values on the stack) and the XdpContext's methods (header<T>
// with the bounds check the verifier demands, adjust_head/tail/meta reloading data/data_end).

import { Node, type CallExpression } from "ts-morph";
import { imm, reg } from "../ir/builder.js";
import type { Operand, VReg } from "../ir/ir.js";
import { Code } from "../diagnostics/codes.js";
import type { ExprLowerer } from "./lower-expr.js";
import type { FunctionLowerer } from "./lower-function.js";
import type { MapDecl } from "./module.js";
import { helperId } from "../../runtime/isa/helper-ids.js";
import { MapType } from "../../runtime/object/map-types.js";
import { I64, U32, alignOf, sizeOf, valueTypeOf, type ValueType } from "./types.js";
import type { Value } from "./values.js";

const HELPER = {
  lookup: helperId("map_lookup_elem"),
  update: helperId("map_update_elem"),
  delete: helperId("map_delete_elem"),
  tailCall: helperId("tail_call"),
  ringbufOutput: helperId("ringbuf_output"),
  redirect: helperId("redirect"),
  redirectMap: helperId("redirect_map"),
  adjustHead: helperId("xdp_adjust_head"),
  adjustMeta: helperId("xdp_adjust_meta"),
  adjustTail: helperId("xdp_adjust_tail"),
} as const;

/** bpf_redirect(ifindex, 0). */
export function lowerRedirect(x: ExprLowerer, args: Node[], node: CallExpression): Value {
  if (args.length !== 1) x.f.fail(node, Code.Unsupported, "redirect takes an interface index");
  const ifindex = x.lower(args[0]!, U32);
  return { kind: "int", ty: U32, op: reg(x.f.b.call({ kind: "helper", id: HELPER.redirect }, [x.convert(ifindex, U32, args[0]!).op, imm(0)])!) };
}

/** The address of a key or value: references pass through, integers go to a stack slot. */
function addressOf(x: ExprLowerer, node: Node, t: ValueType): VReg {
  const v = x.lower(node, t.kind === "int" ? t : undefined);
  if (v.kind === "ptr") return x.address(v);
  if (t.kind !== "int") return x.f.fail(node, Code.UnsupportedType, "expected a struct reference here");
  const slot = x.f.b.slot(sizeOf(t), alignOf(t));
  const base = x.f.b.stackaddr(slot);
  x.f.b.store(base, 0, (t.bits / 8) as 1 | 2 | 4 | 8, x.convert(v, t, node).op);
  return base;
}

export function lowerMapCall(x: ExprLowerer, map: MapDecl, method: string, args: Node[], node: CallExpression): Value {
  const b = x.f.b;
  const need = (n: number, m: number): void => {
    if (args.length < n || args.length > m) x.f.fail(node, Code.Unsupported, `${map.name}.${method} takes ${n === m ? n : `${n} or ${m}`} arguments`);
  };
  if (map.type === MapType.RINGBUF) {
    if (method !== "output") return x.f.fail(node, Code.Unsupported, `ring buffers have no method '${method}'; use output(value)`);
    need(1, 1);
    const arg = args[0]!;
    const explicit = node.getTypeArguments()[0];
    const t = valueTypeOf(explicit ? explicit.getType() : arg.getType(), "the ring buffer record");
    if (typeof t === "string") return x.f.fail(arg, Code.UnsupportedType, t);
    const data = addressOf(x, arg, t);
    const m = b.lddw({ kind: "map", name: map.name });
    return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.ringbufOutput }, [reg(m), reg(data), imm(sizeOf(t)), imm(0)])!) };
  }
  if (map.type === MapType.PROG_ARRAY) {
    if (method !== "tailCall") return x.f.fail(node, Code.Unsupported, `prog arrays have no method '${method}'; use tailCall(ctx, index)`);
    need(2, 2);
    const ctx = x.lower(args[0]!);
    if (ctx.kind !== "ctx") return x.f.fail(args[0]!, Code.UnsupportedType, "tailCall's first argument is the program's XdpContext");
    const index = x.lower(args[1]!, U32);
    const m = b.lddw({ kind: "map", name: map.name });
    b.call({ kind: "helper", id: HELPER.tailCall }, [reg(ctx.reg), reg(m), x.convert(index, U32, args[1]!).op], false);
    return { kind: "void" };
  }
  const key = map.key!;
  const valueType = map.value!;
  switch (method) {
    case "lookup": {
      need(1, 1);
      const k = addressOf(x, args[0]!, key);
      const m = b.lddw({ kind: "map", name: map.name });
      const r = b.call({ kind: "helper", id: HELPER.lookup }, [reg(m), reg(k)])!;
      return { kind: "ptr", to: valueType, base: r, off: 0, nullable: true, space: "map_value" };
    }
    case "update": {
      need(2, 3);
      const k = addressOf(x, args[0]!, key);
      const value = addressOf(x, args[1]!, valueType);
      const flags: Operand = args[2] ? lowerFlags(x, args[2]) : imm(0);
      const m = b.lddw({ kind: "map", name: map.name });
      return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.update }, [reg(m), reg(k), reg(value), flags])!) };
    }
    case "redirect": {
      need(1, 2);
      const key = x.lower(args[0]!, U32);
      const fallback = args[1] ? x.lower(args[1], U32) : undefined;
      const m = b.lddw({ kind: "map", name: map.name });
      const ops = [reg(m), x.convert(key, U32, args[0]!).op, fallback ? x.convert(fallback, U32, args[1]!).op : imm(0)];
      return { kind: "int", ty: U32, op: reg(b.call({ kind: "helper", id: HELPER.redirectMap }, ops)!) };
    }
    case "delete": {
      need(1, 1);
      const k = addressOf(x, args[0]!, key);
      const m = b.lddw({ kind: "map", name: map.name });
      return { kind: "int", ty: I64, op: reg(b.call({ kind: "helper", id: HELPER.delete }, [reg(m), reg(k)])!) };
    }
    default:
      return x.f.fail(node, Code.Unsupported, `maps have no method '${method}'`);
  }
}

function lowerFlags(x: ExprLowerer, node: Node): Operand {
  const v = x.lower(node);
  if (v.kind !== "int") return x.f.fail(node, Code.UnsupportedType, "flags are integers");
  return v.op;
}

export function lowerXdpCall(x: ExprLowerer, method: string, node: CallExpression): Value {
  const f: FunctionLowerer = x.f;
  const b = f.b;
  const pkt = f.packet;
  if (!pkt) return f.fail(node, Code.Unsupported, "the XdpContext can only be used in the program that receives it");
  const args = node.getArguments();
  if (method === "header") {
    const typeArg = node.getTypeArguments()[0];
    if (!typeArg || args.length !== 1) f.fail(node, Code.Unsupported, "header takes a type argument and an offset: ctx.header<EthHdr>(0)");
    const t = valueTypeOf(typeArg.getType(), `header<${typeArg.getText()}>`);
    if (typeof t === "string") f.fail(typeArg, Code.UnsupportedType, t);
    const size = sizeOf(t);
    const offset = x.lower(args[0]!, U32);
    if (offset.kind !== "int") f.fail(args[0]!, Code.UnsupportedType, "the offset is an integer");
    let base: VReg;
    let off = 0;
    if (offset.op.kind === "imm") {
      off = Number(offset.op.value);
      base = pkt.data;
    } else {
      const o = x.convert(offset, offset.ty && offset.ty.bits === 64 ? offset.ty : U32, args[0]!);
      base = b.alu("add", b.mov(reg(pkt.data)), o.op, 64);
      f.nonNull.add(base);
    }
    // if (base + off + size > data_end) → null
    const end = b.alu("add", b.mov(reg(base)), imm(off + size), 64);
    const ok = b.newBlock();
    const none = b.newBlock();
    const join = b.newBlock();
    const result = b.vreg();
    b.br("jgt", 64, end, reg(pkt.dataEnd), none, ok);
    b.enter(ok);
    b.mov(reg(base), 64, result);
    b.jmp(join);
    b.enter(none);
    b.mov(imm(0), 64, result);
    b.jmp(join);
    b.enter(join);
    return { kind: "ptr", to: t, base: result, off, nullable: true, space: "packet" };
  }
  const id = HELPER[method as "adjustHead"];
  if (method === "adjustHead" || method === "adjustTail" || method === "adjustMeta") {
    if (args.length !== 1) f.fail(node, Code.Unsupported, `${method} takes one argument`);
    const delta = x.lower(args[0]!, I64);
    if (delta.kind !== "int") f.fail(args[0]!, Code.UnsupportedType, "the delta is an integer");
    const r = b.call({ kind: "helper", id }, [reg(pkt.ctx), x.convert(delta, I64, args[0]!).op])!;
    // The frame moved: every packet reference taken before is stale; reload the bounds.
    b.emit({ op: "load", dst: pkt.data, base: pkt.ctx, off: 0, size: 4, line: b.line });
    b.emit({ op: "load", dst: pkt.dataEnd, base: pkt.ctx, off: 4, size: 4, line: b.line });
    return { kind: "int", ty: I64, op: reg(r) };
  }
  return f.fail(node, Code.Unsupported, `XdpContext has no method '${method}'`);
}
