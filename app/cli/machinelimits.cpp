#include "machinelimits.h"
