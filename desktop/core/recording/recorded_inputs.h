#pragma once

namespace presenter {

class PresenterSession;
class SessionPlayer;

// What each kind of record feeds in a replay (desktop/docs/RECORDING.md "Kinds"): one handler per
// kind, decoding the payload (record_codec.h) and calling the state entry point of the source or
// step that received it live (FeedClient::ingest, ClusterDriver::applyStatus, the session's
// apply*, ...). Adding a kind is its codec and one line in registerHandlers.
//
// Threading: GUI thread only (the player's and the session's).
namespace recordedinputs {

// Registers every kind this presenter plays on the player, for the session it feeds (both
// outlive the handlers' use: the player owns them and plays only into its session).
void registerHandlers(SessionPlayer &player, PresenterSession &session);

} // namespace recordedinputs

} // namespace presenter
