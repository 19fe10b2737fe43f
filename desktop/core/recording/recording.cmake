# Session recordings (paths relative to desktop/core): the file format (recording.h), its writer
# (a gzip JSON-lines file written on its own thread) and its tolerant reader.
# desktop/docs/RECORDING.md describes the format.
set(PRESENTER_RECORDING_FILES
    recording/recording.h
    recording/recording_writer.h recording/recording_writer.cpp
    recording/recording_reader.h recording/recording_reader.cpp)
