; Operand keys on hand-written IR: `xor c, true` inverts the predicate (twice: none), a
; branch on an i1 argument is `ne 0`, and a load through a bitcast'd, summed GEP chain on
; `this` names the byte offset. No key: an icmp of two arguments, a volatile load.
; RUN: sed "s|@ROOT@|%root|" %s > %t.ll
; RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s

; x86-64 layout: Inner is 8-aligned (at 8), its i16 at 8 + 8 (without the layout: 12).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"

%class.Node = type { i32, %struct.Inner }
%struct.Inner = type { i64, i16 }

declare void @work()

; CHECK-DAG: BRANCH ir/keys.cpp:3:{{.*}} detail="{{[^"|]*}}|op=this.field@16:Node|pred=sle|k=4"
; CHECK-DAG: BRANCH ir/keys.cpp:4:{{.*}} detail="{{[^"|]*}}|op=this.field@16:Node|pred=sgt|k=4"
; CHECK-DAG: BRANCH ir/keys.cpp:5:{{.*}} detail="{{[^"|]*}}|op=arg#1:{{[0-9a-f]+}}|pred=eq|k=0"
; CHECK-DAG: BRANCH ir/keys.cpp:6:{{.*}} detail="{{[^"|]*}}|op=arg#2:{{[0-9a-f]+}}|pred=ult|k=9"
; CHECK-DAG: BRANCH ir/keys.cpp:7:{{.*}} detail="{{[^"|]*}}"{{$}}
; CHECK-DAG: BRANCH ir/keys.cpp:8:{{.*}} detail="{{[^"|]*}}"{{$}}
define void @_ZN4Node4stepEbjj(%class.Node* %this, i1 %flag, i32 %a, i32 %b) !dbg !6 {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %inc, %latch ]
  %in = getelementptr inbounds %class.Node, %class.Node* %this, i32 0, i32 1
  %p = getelementptr inbounds %struct.Inner, %struct.Inner* %in, i32 0, i32 1
  %v = load i16, i16* %p
  %c = icmp sgt i16 %v, 4
  %nc = xor i1 %c, true
  br i1 %nc, label %b1, label %n1, !dbg !10
b1:
  call void @work()
  br label %n1
n1:
  %nn = xor i1 %nc, true
  br i1 %nn, label %b2, label %n2, !dbg !11
b2:
  call void @work()
  br label %n2
n2:
  %nf = xor i1 true, %flag
  br i1 %nf, label %b3, label %n3, !dbg !12
b3:
  call void @work()
  br label %n3
n3:
  %ca = icmp ugt i32 9, %a
  br i1 %ca, label %b4, label %n4, !dbg !13
b4:
  call void @work()
  br label %n4
n4:
  %cab = icmp eq i32 %a, %b
  br i1 %cab, label %b5, label %n5, !dbg !14
b5:
  call void @work()
  br label %n5
n5:
  %vv = load volatile i16, i16* %p
  %cv = icmp eq i16 %vv, 1
  br i1 %cv, label %b6, label %latch, !dbg !15
b6:
  call void @work()
  br label %latch
latch:
  %inc = add i32 %i, 1
  %done = icmp eq i32 %inc, 10
  br i1 %done, label %exit, label %head, !dbg !16
exit:
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "ir/keys.cpp", directory: "@ROOT@")
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !{i32 2, !"Debug Info Version", i32 3}
!5 = !DISubroutineType(types: !{})
!6 = distinct !DISubprogram(name: "step", scope: !1, file: !1, line: 1, type: !5, scopeLine: 1, spFlags: DISPFlagDefinition, unit: !0)
!10 = !DILocation(line: 3, column: 7, scope: !6)
!11 = !DILocation(line: 4, column: 7, scope: !6)
!12 = !DILocation(line: 5, column: 7, scope: !6)
!13 = !DILocation(line: 6, column: 7, scope: !6)
!14 = !DILocation(line: 7, column: 7, scope: !6)
!15 = !DILocation(line: 8, column: 7, scope: !6)
!16 = !DILocation(line: 9, column: 7, scope: !6)
