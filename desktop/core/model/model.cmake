# The presenter's model (paths relative to desktop/core): store, plan, expectations, story, commands.
set(PRESENTER_MODEL_FILES
    model/event_marker.h model/event_marker.cpp
    model/time_series_store.h model/time_series_store.cpp
    model/frame_pacer.h model/frame_pacer.cpp
    model/rolling_window.h model/rolling_window.cpp
    model/demo_plan.h model/demo_plan.cpp
    model/promql_names.h model/promql_names.cpp
    model/expectation.h model/expectation.cpp
    model/story_controller.h model/story_controller.cpp
    model/sample_app_control.h model/sample_app_control.cpp
    model/feed_ingest.h model/feed_ingest.cpp
    model/cluster_metrics.h model/cluster_metrics.cpp
    model/action_outcome.h model/action_outcome.cpp
    model/beat_executor.h model/beat_executor.cpp
    model/session_clock.h
    model/presenter_session.h model/presenter_session.cpp
    model/node_view.h model/node_view.cpp
    model/heal_stopwatch.h model/heal_stopwatch.cpp
    model/request_tally.h model/request_tally.cpp
    model/cluster_view.h model/cluster_view.cpp
    model/window_placement.h model/window_placement.cpp)
