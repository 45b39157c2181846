// rrr-train: trains rrr-infer's models and manages data/models (procs/train/README.md).
#include <CLI/CLI.hpp>

#include "train/train_commands.h"

int main(int argc, char** argv) { return rrr::train::runTrainCli(argc, argv); }
