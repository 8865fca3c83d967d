// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace tessera {

// What a worker learns from the launcher that started it (mpirun, srun), for its defaults.

// "rank 3" from the launcher's rank variable (Open MPI's OMPI_COMM_WORLD_RANK, PMIx's PMIX_RANK,
// MPICH's PMI_RANK, Slurm's SLURM_PROCID, in that order), or "" when no launcher set one.
QString launcherRankName(const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

// Where to listen when --listen is not given: loopback, unless the worker dials back to another
// host, whose other workers must then reach it too (all interfaces of the dialed address family).
QString defaultListenAddress(const QString &dialBack);

} // namespace tessera
