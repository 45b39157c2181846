# rrr_target_defaults(target): the project's warnings and sanitizer flags for one target.
function(rrr_target_defaults target)
  # -Wno-missing-field-initializers: aggregates such as EnvelopeHeader{source, sequence, time, 0}
  # rely on default member initializers for the rest on purpose; GCC 12 warns regardless.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wno-missing-field-initializers)
  if(RRR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(RRR_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${RRR_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${RRR_SANITIZE})
  endif()
endfunction()
