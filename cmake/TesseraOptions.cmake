# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later

# One interface target carries the language standard, warnings and Qt strictness;
# every Tessera target links it.
add_library(tessera_options INTERFACE)
target_compile_features(tessera_options INTERFACE cxx_std_20)
target_compile_options(tessera_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual)
target_compile_definitions(tessera_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER)
# Kernels are memory-bound loops: -O3 lets GCC vectorise them.
target_compile_options(tessera_options INTERFACE $<$<CONFIG:Release>:-O3>)

# Sanitizers for every target (the README's test command builds the suite a second time with
# address,undefined). Any report aborts the test that caused it.
set(TESSERA_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")
if(TESSERA_SANITIZE)
  target_compile_options(tessera_options INTERFACE -fsanitize=${TESSERA_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(tessera_options INTERFACE -fsanitize=${TESSERA_SANITIZE})
endif()

# Fuzz targets (tests/fuzz) need clang's libFuzzer; everything they link is instrumented for it.
option(TESSERA_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(TESSERA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TESSERA_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  target_compile_options(tessera_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
