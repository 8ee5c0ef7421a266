; A function the instrumenter cannot handle is left uninstrumented, with one warning
; naming it and the reason, and the rest of the module is instrumented as usual; the
; skipped function's sites leave the site table (they could never fire). Here: a loop
; whose header is a catchswitch (funclet EH), which has no place for the iter hook.
; RUN: sed "s|@ROOT@|%root|" %s > %t.ll
; RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES
; RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll 2> %t.err
; RUN: %FileCheck %s --check-prefix=WARN < %t.err
; RUN: %opt -verify -disable-output %t.inst.ll
; RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll

; Discovery still sees both loops.
; SITES-DAG: LOOP ir/unsupported.cpp:1:{{.*}} _Z4pads
; SITES-DAG: LOOP ir/unsupported.cpp:13:{{.*}} _Z4plaini

; WARN: csnake: warning: ir/unsupported.cpp: _Z4pads: not instrumented: loop header %cs has no insertion point
; WARN-NOT: warning

; IR: @__csnake_state = internal global [2 x i8] zeroinitializer
; IR-LABEL: define void @_Z4pads(
; IR-NOT: __csnake
; IR-LABEL: define i32 @_Z4plaini(
; IR: call void @__csnake_loop_enter(
; IR: call void @__csnake_loop_iter(
; IR: call void @__csnake_loop_exit(

declare void @work()
declare i32 @__CxxFrameHandler3(...)

define void @_Z4pads() personality i32 (...)* @__CxxFrameHandler3 !dbg !6 {
entry:
  invoke void @work()
          to label %exit unwind label %cs, !dbg !10
cs:
  %sw = catchswitch within none [label %catch] unwind to caller
catch:
  %p = catchpad within %sw [i8* null, i32 64, i8* null]
  catchret from %p to label %retry
retry:
  invoke void @work()
          to label %exit unwind label %cs, !dbg !11
exit:
  ret void
}

define i32 @_Z4plaini(i32 %n) !dbg !7 {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %inc, %head ]
  call void @work()
  %inc = add i32 %i, 1
  %done = icmp sge i32 %inc, %n
  br i1 %done, label %exit, label %head, !dbg !12
exit:
  ret i32 %inc
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "ir/unsupported.cpp", directory: "@ROOT@")
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !{i32 2, !"Debug Info Version", i32 3}
!5 = !DISubroutineType(types: !{})
!6 = distinct !DISubprogram(name: "pads", scope: !1, file: !1, line: 1, type: !5, scopeLine: 1, spFlags: DISPFlagDefinition, unit: !0)
!7 = distinct !DISubprogram(name: "plain", scope: !1, file: !1, line: 11, type: !5, scopeLine: 11, spFlags: DISPFlagDefinition, unit: !0)
!10 = !DILocation(line: 3, column: 5, scope: !6)
!11 = !DILocation(line: 6, column: 5, scope: !6)
!12 = !DILocation(line: 13, column: 5, scope: !7)
