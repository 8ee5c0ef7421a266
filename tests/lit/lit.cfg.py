# lit configuration shared by the csnake suites (ir/, exec/). Paths come from the
# generated lit.site.cfg.py in the build tree; run e.g.
#   python3 /usr/lib/llvm-14/build/utils/lit/lit.py -sv build/tests/lit/ir
# Substitutions:
#   %clangxx %clang %opt %FileCheck  the LLVM 14 tools
#   %plugin                          absolute path of libcsnake_pass.so
#   %loadplugin                      -load=%plugin -load-pass-plugin=%plugin (for opt)
#   %csnake_bin_dir %csnake_lib_dir  build/bin, build/lib
#   %csnake_include_dir              runtime/include (abi.h)
#   %root                            the project root of the tests (this directory);
#                                    CSNAKE_ROOT is set to it for every test
import os

import lit.formats

config.name = "csnake"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".cpp", ".c", ".ll", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

if not hasattr(config, "plugin"):
    lit_config.fatal("run lit on the build tree (build/tests/lit/...), not the sources")

root = config.test_source_root
config.substitutions.append(("%clangxx", config.clangxx))
config.substitutions.append(("%clang", config.clang))
config.substitutions.append(("%opt", config.opt))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%loadplugin",
                             "-load=%s -load-pass-plugin=%s" % (config.plugin, config.plugin)))
config.substitutions.append(("%plugin", config.plugin))
config.substitutions.append(("%csnake_bin_dir", config.csnake_bin_dir))
config.substitutions.append(("%csnake_lib_dir", config.csnake_lib_dir))
config.substitutions.append(("%csnake_include_dir", config.csnake_include_dir))
config.substitutions.append(("%root", root))

config.environment["CSNAKE_ROOT"] = root
# `not` and `count` live next to FileCheck.
llvm_bin = os.path.dirname(os.path.realpath(config.filecheck))
config.environment["PATH"] = os.pathsep.join([llvm_bin, os.environ.get("PATH", "")])
for var in ("HOME", "TMPDIR", "LD_LIBRARY_PATH"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.available_features.add("x86_64" if os.uname().machine == "x86_64" else os.uname().machine)
