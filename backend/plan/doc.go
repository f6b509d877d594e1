// Package plan is the pure core of the plan board: it finds card references in commit
// messages and branch names (ParseCommit, ParseBranch), moves a card through the loop as
// its work is linked, tested, released and deployed (Reduce), and computes the figures of
// a card and of a board from the transitions it recorded (CardTimes, BoardTimes).
//
// Nothing here does I/O, reads the clock or touches git or SQL: callers pass the times, the
// commit ancestry and the state, and store what comes back.
package plan
