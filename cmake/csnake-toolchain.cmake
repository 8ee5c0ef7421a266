# Builds any CMake project instrumented by csnake, without touching its sources:
#
#   cmake -S <project> -B <dir> -DCMAKE_TOOLCHAIN_FILE=<csnake>/cmake/csnake-toolchain.cmake
#
# The compilers become csnake's clang wrappers (plugin, frame pointers, line tables, the
# shared runtime linked with an rpath). CSNAKE_BUILD_DIR (cache variable or environment)
# points at a built csnake tree; default: <csnake>/build.
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
