# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later

# Precompiled headers. Qt's and the standard library's headers take 2-10 s to parse in every
# translation unit (<QString> alone 2 s, qcustomplot.h with QtPrintSupport 10 s), more than the
# code itself in most of ours, and the README's test command builds the tree twice within CI's
# 30 minutes. Each target reuses one of two headers, built once, by what it links: the engine's
# or the GUI's. Tests use them too but parse <QTest> themselves: Qt's test module defines macros
# that differ per test folder, and a header built with other values cannot be reused. Every
# target keeps its own includes, so a build without them (-DTESSERA_PCH=OFF) still compiles.
option(TESSERA_PCH "Reuse precompiled Qt and standard headers across targets" ON)

set(tessera_pch_core
  <algorithm> <cmath> <cstdint> <cstring> <functional> <limits> <map> <memory> <optional> <string>
  <vector> <QByteArray> <QDir> <QFile> <QHash> <QList> <QObject> <QString> <QStringList> <QVariant>)
set(tessera_pch_gui <QComboBox> <QHBoxLayout> <QLabel> <QLineEdit> <QPushButton> <QVBoxLayout>
  <QWidget> <qcustomplot.h>)

# One owner target per header; the others reuse what it built.
function(tessera_add_pch_owner name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LINK;HEADERS")
  set(source ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// The owner of a precompiled header; no code of its own.\n")
  add_library(${name} OBJECT ${source})
  set_target_properties(${name} PROPERTIES AUTOMOC OFF)
  target_link_libraries(${name} PRIVATE ${arg_LINK} tessera_options)
  target_precompile_headers(${name} PRIVATE ${arg_HEADERS})
endfunction()

# Every target of the directories below `dir`, recursively.
function(tessera_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    tessera_targets_below(${subdirectory} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Which owner serves `target`: the GUI's if it links widgets itself.
function(tessera_pch_owner target out)
  get_target_property(links ${target} LINK_LIBRARIES)
  if("tessera_ui" IN_LIST links OR "Qt6::Widgets" IN_LIST links)
    set(${out} tessera_pch_gui PARENT_SCOPE)
  else()
    set(${out} tessera_pch_core PARENT_SCOPE)
  endif()
endfunction()

function(tessera_reuse_precompiled_headers)
  if(NOT TESSERA_PCH)
    return()
  endif()
  tessera_add_pch_owner(tessera_pch_core LINK Qt6::Core HEADERS ${tessera_pch_core})
  if(TESSERA_GUI)
    tessera_add_pch_owner(tessera_pch_gui LINK Qt6::Widgets Qt6::PrintSupport QCustomPlotQt6::QCustomPlotQt6
      HEADERS ${tessera_pch_core} ${tessera_pch_gui})
  endif()
  tessera_targets_below(${PROJECT_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    tessera_pch_owner(${target} owner)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  endforeach()
endfunction()
