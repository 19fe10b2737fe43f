# The presenter's data sources (paths relative to desktop/core).
set(PRESENTER_SOURCES_FILES
    sources/feed_messages.h sources/feed_messages.cpp
    sources/feed_client.h sources/feed_client.cpp
    sources/prometheus_client.h sources/prometheus_client.cpp
    sources/sql_runner.h sources/sql_runner.cpp
    sources/kubectl_process.h sources/kubectl_process.cpp
    sources/cluster_driver.h sources/cluster_driver.cpp
    sources/port_forward_supervisor.h sources/port_forward_supervisor.cpp
    sources/connection_profile.h sources/connection_profile.cpp
    sources/node_status_client.h sources/node_status_client.cpp)
