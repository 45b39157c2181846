#pragma once
// rrr-train's commands:
//   fit --name NAME [--synthetic-days D --seed S --symbol SYM | --file F ... | --db DIR --symbol SYM] [--horizon H] ...
//       trains an MLP and writes data/models/NAME/<next version>/ (--activate: and activates it)
//   list | activate NAME/VERSION | describe NAME/VERSION
// Exit codes: 0 done, 1 failed (the message says why), 2 bad usage.

namespace rrr::train {

int runTrainCli(int argc, char** argv);

}  // namespace rrr::train
