# Installing and packaging. `cmake --install <build> --prefix P` lays out a normal application:
#   P/bin/presenter, P/bin/sampleapp (pgkit/ adds sqlapply)
#   P/share/applications/crdb-live-evolution-presenter.desktop
#   P/share/icons/hicolor/scalable/apps/crdb-live-evolution-presenter.svg
#   P/share/crdb-live-evolution/  demo/plan.json, demo/profiles/, sql/, k8s/, grafana/: laid out
#       like the repository, so that the manifests' relative references (k8s/observability/ reads
#       ../../grafana, k8s/sql/*/ read ../../../sql) and the plan's sql/... paths hold there too.
# The presenter finds that folder from its own (bin/../share/crdb-live-evolution), and the
# checkout instead when it runs from this build tree: desktop/core/config/data_paths.h, which
# gets both facts from here. `cpack` (in the build tree) makes a Debian package of the same
# layout under /usr; tests/install/ builds it, unpacks it and runs the installed presenter.
# What macOS and Windows builds need instead: docs/INSTALL.md.

set(CRDB_EVO_DATA_DIR "${CMAKE_INSTALL_DATADIR}/crdb-live-evolution")

install(FILES demo/plan.json DESTINATION ${CRDB_EVO_DATA_DIR}/demo)
install(DIRECTORY demo/profiles DESTINATION ${CRDB_EVO_DATA_DIR}/demo)
# Source permissions: k8s/secure/make-certs.sh and k8s/operator/make-secrets.sh stay executable.
install(DIRECTORY sql k8s grafana DESTINATION ${CRDB_EVO_DATA_DIR} USE_SOURCE_PERMISSIONS)
if(CRDB_EVO_BUILD_DESKTOP)
    install(FILES packaging/crdb-live-evolution-presenter.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES packaging/crdb-live-evolution-presenter.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)

    # The resolver's facts, on its one source file (a new value recompiles only it).
    file(RELATIVE_PATH _crdb_evo_data_from_bin "${CMAKE_INSTALL_FULL_BINDIR}"
         "${CMAKE_INSTALL_FULL_DATADIR}/crdb-live-evolution")
    set_source_files_properties(${PROJECT_SOURCE_DIR}/desktop/core/config/data_paths.cpp
        TARGET_DIRECTORY presenter_config
        PROPERTIES COMPILE_DEFINITIONS
            "CRDB_EVO_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\";CRDB_EVO_BINARY_DIR=\"${PROJECT_BINARY_DIR}\";CRDB_EVO_DATA_FROM_BIN=\"${_crdb_evo_data_from_bin}\"")
endif()

# The Debian package: crdb-live-evolution_<version>_<arch>.deb. Its dependencies are read from
# the binaries' shared libraries (Qt 6, libpq, OpenSSL, ...) by dpkg-shlibdeps (package dpkg-dev);
# the Qt platform plugins are loaded at run time, so no library names them: listed by hand.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME crdb-live-evolution)
set(CPACK_PACKAGE_VENDOR "crdb-live-evolution")
set(CPACK_PACKAGE_CONTACT "crdb-live-evolution maintainers <maintainers@crdb-live-evolution.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Presenter and sample app for a live CockroachDB evolution demo")
set(CPACK_PACKAGE_DESCRIPTION "A toolkit for demoing CockroachDB resilience on stage: the presenter (charts, \
the story's beats, the pre-flight checklist, recordings), the sample service, and the plan, profiles, SQL, Kubernetes \
manifests and Grafana dashboards they use (/usr/share/crdb-live-evolution).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # a package carries no debug information (Debian keeps it in -dbgsym packages)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# The cluster profiles drive kubectl (on PATH); the local stack needs none.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "kubectl")
include(CPack)
