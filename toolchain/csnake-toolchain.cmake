# Builds any CMake project instrumented by csnake, without touching its sources:
#
#   cmake -S <project> -B <dir> -DCMAKE_TOOLCHAIN_FILE=<csnake>/toolchain/csnake-toolchain.cmake
#
# The compilers become csnake's clang wrappers (plugin, frame pointers, line tables, the
# shared runtime linked with an rpath). Cache variables (or environment, for the first):
#   CSNAKE_BUILD_DIR  a built csnake tree holding bin/csnake-clang++; default <csnake>/build
#   CSNAKE_ROOT       the instrumentation root, explicitly. Default (instrument_policy.h):
#                     the git checkout of each source, else this project's source
#                     directory — so a release tarball or a copied tree is instrumented too.
if(NOT CSNAKE_BUILD_DIR)
  if(DEFINED ENV{CSNAKE_BUILD_DIR})
    set(CSNAKE_BUILD_DIR "$ENV{CSNAKE_BUILD_DIR}")
  else()
    get_filename_component(CSNAKE_BUILD_DIR "${CMAKE_CURRENT_LIST_DIR}/../build" ABSOLUTE)
  endif()
endif()
set(CSNAKE_BUILD_DIR "${CSNAKE_BUILD_DIR}" CACHE PATH "Built csnake tree holding bin/csnake-clang++")
# try_compile projects re-read the toolchain file: hand the variable on.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CSNAKE_BUILD_DIR)

if(NOT EXISTS "${CSNAKE_BUILD_DIR}/bin/csnake-clang++")
  message(FATAL_ERROR "csnake-toolchain: ${CSNAKE_BUILD_DIR}/bin/csnake-clang++ not found; build csnake first or set CSNAKE_BUILD_DIR")
endif()
set(CMAKE_C_COMPILER "${CSNAKE_BUILD_DIR}/bin/csnake-clang")
set(CMAKE_CXX_COMPILER "${CSNAKE_BUILD_DIR}/bin/csnake-clang++")

# The root goes to the wrappers as a flag on every compile command rather than through
# the environment or a file: the flag is part of the command line a compiler cache
# (ccache) hashes, so objects instrumented against another root are never reused; the
# wrappers remove it before clang runs. A try_compile project (a scratch project whose
# CMAKE_SOURCE_DIR is the scratch directory) inherits the flags of the project that runs
# it, and with them the right root: nothing to do there.
get_property(_csnake_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
if(NOT _csnake_in_try_compile)
  set(CSNAKE_ROOT "" CACHE PATH "csnake instrumentation root (default: the git checkout of each source, else ${CMAKE_SOURCE_DIR})")
  if(CSNAKE_ROOT)
    set(_csnake_root_flag "--csnake-root=${CSNAKE_ROOT}")
  else()
    # CMAKE_SOURCE_DIR is the top-level source directory in every read of this file
    # outside try_compile, so add_subdirectory()'d projects share the top project's root;
    # an ExternalProject is configured on its own and gets its own source directory.
    set(_csnake_root_flag "--csnake-project-root=${CMAKE_SOURCE_DIR}")
  endif()
  if(_csnake_root_flag MATCHES "[ \t]")
    set(_csnake_root_flag "\"${_csnake_root_flag}\"")
  endif()
  foreach(_csnake_lang C CXX)
    if(NOT CMAKE_${_csnake_lang}_FLAGS_INIT MATCHES "--csnake-")
      string(APPEND CMAKE_${_csnake_lang}_FLAGS_INIT " ${_csnake_root_flag}")
    endif()
    # *_FLAGS_INIT only seeds a cache entry that does not exist yet; a user's
    # -DCMAKE_CXX_FLAGS=... (or an older root) gets the flag put in (or replaced) here.
    if(DEFINED CACHE{CMAKE_${_csnake_lang}_FLAGS})
      set(_csnake_old "$CACHE{CMAKE_${_csnake_lang}_FLAGS}")
      string(REGEX REPLACE " *(\"--csnake-(project-)?root=[^\"]*\"|--csnake-(project-)?root=[^ ]*)" "" _csnake_new "${_csnake_old}")
      string(STRIP "${_csnake_new} ${_csnake_root_flag}" _csnake_new)
      if(NOT _csnake_new STREQUAL _csnake_old)
        get_property(_csnake_doc CACHE CMAKE_${_csnake_lang}_FLAGS PROPERTY HELPSTRING)
        set(CMAKE_${_csnake_lang}_FLAGS "${_csnake_new}" CACHE STRING "${_csnake_doc}" FORCE)
      endif()
    endif()
  endforeach()

  # Warn-once protocol with the wrappers (instrument_policy.h): a new configuration warns
  # again about sources outside the root, and the compiles CMake itself runs while
  # configuring (compiler checks, try_compile; they inherit this process's environment,
  # the build does not) lie outside every root and stay quiet.
  file(REMOVE "${CMAKE_BINARY_DIR}/CMakeFiles/csnake-outside-root.warned")
  set(ENV{CSNAKE_WRAPPER_QUIET} 1)
endif()
