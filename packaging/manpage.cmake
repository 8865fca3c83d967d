# SPDX-FileCopyrightText: 2026 The Tessera developers
# SPDX-License-Identifier: GPL-3.0-or-later

# Writes a gzipped man page for PROGRAM from its --help and --version, with help2man; for each of
# SUBCOMMANDS (separated by commas), its own --help becomes a subsection of COMMANDS.
#   cmake -DPROGRAM=... -DNAME="one line" -DSUBCOMMANDS=run,bench -DOUTPUT=.../prog.1.gz -P manpage.cmake

set(ENV{QT_QPA_PLATFORM} offscreen) # the workbench answers --help without a display, but not all builders lack one
get_filename_component(program_name "${PROGRAM}" NAME)
set(work "${OUTPUT}.work")
file(MAKE_DIRECTORY "${work}")

set(include_args)
string(REPLACE "," ";" SUBCOMMANDS "${SUBCOMMANDS}")
if(SUBCOMMANDS)
  set(section "[COMMANDS]\n")
  foreach(command IN LISTS SUBCOMMANDS)
    execute_process(COMMAND "${PROGRAM}" ${command} --help OUTPUT_VARIABLE help RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "${program_name} ${command} --help failed (${result})")
    endif()
    # roff: a backslash is \e, and a line may not start with a control character.
    string(REPLACE "\\" "\\e" help "${help}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
    string(APPEND section ".SS \"${program_name} ${command}\"\n.nf\n${help}.fi\n")
  endforeach()
  file(WRITE "${work}/commands.h2m" "${section}")
  set(include_args "--include=${work}/commands.h2m")
endif()

execute_process(
  COMMAND help2man --no-info --section=1 "--name=${NAME}" ${include_args} "--output=${work}/${program_name}.1" "${PROGRAM}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${program_name} (${result})")
endif()
# -n: no name or time stamp in the archive, so builds are reproducible.
execute_process(COMMAND gzip -9n -c "${work}/${program_name}.1" OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "gzip failed for ${program_name} (${result})")
endif()
file(REMOVE_RECURSE "${work}")
