// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#include "ui/style/viewstyle.h"

#include <QLabel>
#include <QLocale>
#include <QStringList>

#include <qcustomplot.h>

#include <array>
#include <cmath>

namespace tessera::ui {

namespace viewstyle {

QColor workerColor(int worker)
{
    static constexpr std::array<QRgb, 10> tableau10 = {
        0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
    };
    if (worker < 0)
        return QColor(0xc8, 0xc8, 0xc8);
    const QColor base = QColor::fromRgb(tableau10[std::size_t(worker) % tableau10.size()]);
    const int round = worker / int(tableau10.size());
    return round == 0 ? base : base.darker(100 + 35 * round);
}

QColor taskKindColor(tessera::TaskKind kind)
{
    switch (kind) {
    case tessera::TaskKind::Load:
    case tessera::TaskKind::Store: return QColor(0x5b, 0x8d, 0xc9);
    case tessera::TaskKind::Slice:
    case tessera::TaskKind::Unary:
    case tessera::TaskKind::Binary:
    case tessera::TaskKind::Select:
    case tessera::TaskKind::Quantile:
    case tessera::TaskKind::Polyfit:
    case tessera::TaskKind::Gram:
    case tessera::TaskKind::Project:
    case tessera::TaskKind::Partial: return computeColor();
    case tessera::TaskKind::Combine:
    case tessera::TaskKind::Eigen: return QColor(0x8e, 0x5e, 0xa2);
    case tessera::TaskKind::Rechunk: return QColor(0xb0, 0x7a, 0xa1); // pieces from peers: the exchange, not a kernel
    }
    return computeColor();
}

QString taskKindFamily(tessera::TaskKind kind)
{
    switch (kind) {
    case tessera::TaskKind::Load: return QStringLiteral("load");
    case tessera::TaskKind::Store: return QStringLiteral("store");
    case tessera::TaskKind::Combine:
    case tessera::TaskKind::Eigen: return QStringLiteral("combine");
    case tessera::TaskKind::Rechunk: return QStringLiteral("rechunk");
    case tessera::TaskKind::Quantile:
    case tessera::TaskKind::Polyfit:
    case tessera::TaskKind::Gram:
    case tessera::TaskKind::Project:
    case tessera::TaskKind::Slice:
    case tessera::TaskKind::Unary:
    case tessera::TaskKind::Binary:
    case tessera::TaskKind::Select:
    case tessera::TaskKind::Partial: break;
    }
    return QStringLiteral("compute");
}

QColor transferColor()
{
    return QColor(0xd9, 0x53, 0x4f);
}

QColor rebuildColor()
{
    return QColor(0x1b, 0x9e, 0x77); // apart from compute's orange and transfer's red
}

QColor damagedColor()
{
    return QColor(0x7a, 0x1f, 0x1f);
}

QString wrappedToolTip(const QString &text)
{
    // Plain text keeps a short message on one line; Qt's own wrapping of rich text breaks even
    // those into narrow columns.
    constexpr qsizetype Columns = 80;
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > Columns) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join(u'\n');
}

QColor errorColor()
{
    return QColor(0xc0, 0x39, 0x2b);
}

QString errorStyleSheet()
{
    return QStringLiteral("color: %1;").arg(errorColor().name());
}

QColor planColor()
{
    return QColor(0x9a, 0xa7, 0xb8);
}

QColor computeColor()
{
    return QColor(0xf0, 0xa0, 0x30);
}

QColor otherColor()
{
    return QColor(0xdd, 0xdd, 0xdd);
}

QLabel *makeTitleLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QString formatSeconds(double seconds)
{
    if (!std::isfinite(seconds))
        return QStringLiteral("–");
    if (seconds < 1e-3)
        return QString::number(seconds * 1e6, 'g', 3) + QStringLiteral(" µs");
    if (seconds < 1)
        return QString::number(seconds * 1e3, 'g', 3) + QStringLiteral(" ms");
    if (seconds < 120)
        return QString::number(seconds, 'g', 3) + QStringLiteral(" s");
    const auto whole = std::int64_t(std::llround(seconds));
    return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

QString countText(std::int64_t count, const QString &singular, const QString &plural)
{
    return QString::number(count) + u' ' + (count == 1 ? singular : plural);
}

void applyPlotStyle(QCustomPlot *plot)
{
    plot->setAntialiasedElements(QCP::aeAll);
    plot->setNoAntialiasingOnDrag(true);
    // A thick antialiased polyline is stroked as one path: a time series of 360 days took the
    // raster engine about 270 ms. Drawn as segments, the joins are plainer and it is not slow.
    plot->setPlottingHint(QCP::phFastPolylines, true);
    // QCustomPlot repaints at once on replot() by default, and a synchronous repaint paints
    // everything else the window has pending too: after a statement three plots replot, so the
    // window was painted three times before the user saw it. Marked dirty, it paints once.
    plot->setPlottingHint(QCP::phImmediateRefresh, false);
    plot->setBackground(plot->palette().base());
    QFont tickFont = plot->font();
    tickFont.setPointSizeF(tickFont.pointSizeF() * 0.9);
    for (QCPAxis *axis : plot->axisRect()->axes()) {
        axis->setTickLabelFont(tickFont);
        axis->setLabelFont(plot->font());
        axis->setBasePen(QPen(QColor(0x70, 0x70, 0x70)));
        axis->setTickPen(QPen(QColor(0x70, 0x70, 0x70)));
        axis->setSubTickPen(QPen(QColor(0x90, 0x90, 0x90)));
        axis->grid()->setPen(QPen(QColor(0xe4, 0xe4, 0xe4), 0, Qt::SolidLine));
    }
    plot->legend->setFont(tickFont);
    plot->legend->setBorderPen(QPen(QColor(0xc0, 0xc0, 0xc0)));
    plot->legend->setBrush(QColor(255, 255, 255, 220));
}

void placeLegendAbove(QCustomPlot *plot, QCPLayoutElement *beside)
{
    auto *row = new QCPLayoutGrid;
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, row);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->axisRect()->insetLayout()->take(plot->legend);
    row->addElement(0, 0, plot->legend);
    // The legend keeps its natural width; the rest of the row goes to column 1.
    // An empty text element, unlike an empty grid, takes the spare width.
    row->addElement(0, 1, beside ? beside : new QCPTextElement(plot));
    row->setColumnStretchFactor(0, 0.001);
    row->setColumnStretchFactor(1, 1);
    row->setMargins(QMargins(0, 0, 0, 0));
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(0);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setMargins(QMargins(2, 2, 2, 0));
    plot->legend->setColumnSpacing(14);
    plot->legend->setVisible(true);
}

} // namespace viewstyle

} // namespace tessera::ui
