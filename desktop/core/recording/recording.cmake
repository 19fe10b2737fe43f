# Session recordings (paths relative to desktop/core): the file format (recording.h), its writer
# (a gzip JSON-lines file written on its own thread) and its tolerant reader; and the session's
# side: the payload codec, the recorder and the player at PresenterSession's boundary, and a
# recording opened for replay (ReplaySession).
# desktop/docs/RECORDING.md describes the format.
set(PRESENTER_RECORDING_FILES
    recording/recording.h
    recording/recording_writer.h recording/recording_writer.cpp
    recording/recording_reader.h recording/recording_reader.cpp
    recording/record_codec.h recording/record_codec.cpp
    recording/session_recorder.h recording/session_recorder.cpp
    recording/session_player.h recording/session_player.cpp
    recording/replay_session.h recording/replay_session.cpp)
