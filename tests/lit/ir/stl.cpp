// Only functions whose debug-info file is under the project root are instrumented:
// STL templates, inline functions from system headers and the ctor are left alone.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --implicit-check-not=site
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
// Without debug info nothing is instrumented.
// RUN: %clangxx -O0 -S -emit-llvm %s -o %t.nodbg.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.nodbg.ll | count 0
#include <map>
#include <string>
#include <vector>

int count_words(const std::vector<std::string> &ws) {
  std::map<std::string, int> m;
  for (const auto &w : ws)
    m[w]++;
  return (int)m.size();
}
// CHECK: site {{.*}} LOOP ir/stl.cpp:[[#@LINE-4]]:{{.*}} _Z11count_wordsRKSt6vectorINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESaIS5_EE
// CHECK: site {{.*}} BRANCH ir/stl.cpp:[[#@LINE-5]]:{{.*}} _Z11count_words
// IR-LABEL: define linkonce_odr {{.*}} @_ZNKSt6vectorINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESaIS5_EE5beginEv(
// IR-NOT: __csnake
// IR: ret
