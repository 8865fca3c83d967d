// SPDX-FileCopyrightText: 2026 The Tessera developers
// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "core/cftime.h"

#include "core/arraymeta.h"
#include "net/session/operation.h"
#include "ui/views/resultplots.h"

#include <QWidget>

#include <qcustomplot.h>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QSlider;
class QStackedWidget;

namespace tessera::ui {

// The value of the last statement: a scalar as a big number with its units, a 1-D result as a
// line plot on its coordinates (dates for CF time axes, text for seasons), a 2-D result as a
// heatmap on its coordinates with a colour bar and hover readout. Larger ranks (monthly
// climatologies, daily means) are a stack of maps: a slider over the leading dimension picks the
// map, on one colour range, and a line below plots the mean of each map. Results left on the
// workers show where they are. Only presents, never computes anything on the cluster.
class ResultView : public QWidget
{
    Q_OBJECT

public:
    explicit ResultView(QWidget *parent = nullptr);
    ~ResultView() override;

    void showResult(const tessera::EvaluationResult &result, const QString &statement);
    void clear();

    // What is shown, as the user sees it (the plot at twice the screen resolution).
    bool exportPng(const QString &fileName);
    bool exportPdf(const QString &fileName);

    // Kept for later results until changed again, here or in the view's own gradient box.
    void setGradient(QCPColorGradient::GradientPreset preset);
    QCPColorGradient::GradientPreset gradient() const { return m_gradient; }

    // For tests and the main window: null unless that kind of plot is shown.
    QCPColorMap *colorMap() const { return m_colorMap; }
    QCPGraph *lineGraph() const { return m_graph; }
    QCustomPlot *plot() const { return m_plot; }
    // A stack of maps: the slider over them, and the line of their means (null otherwise).
    QSlider *mapSlider() const { return m_mapSlider; }
    QCPGraph *meansGraph() const { return m_meansGraph; }
    // Which map of the stack is shown ("month 7"); empty unless a stack is shown.
    QString mapText() const;
    // The scalar as shown ("277.15 K"); empty unless a scalar is shown.
    QString scalarText() const;
    // The summary or hint line above the plot (rank >= 3 summaries, distributed results).
    QString noteText() const;

Q_SIGNALS:
    // Hover readout of the point under the mouse, also shown under the plot.
    void readoutChanged(const QString &text);

private:
    void resetPlot();
    void showScalar(const tessera::EvaluationResult &result);
    void showLine(const tessera::EvaluationResult &result);
    // rows x columns of row-major values, laid on the last two axes of meta.
    void showHeatmap(const double *values, const tessera::ArrayMeta &meta);
    void showDistributed(const tessera::EvaluationResult &result);
    void showStack(const tessera::EvaluationResult &result);
    void showMapMeans(const tessera::EvaluationResult &result);
    void showComponent(int mode);
    void fitShortPlot(const resultplots::Placed &placed, const QString &units);
    void showMap(int index);
    void applyGradient(); // to the box and the colour scale; the caller replots
    void syncMapControls();
    void exportWithDialog(bool pdf);
    void onMouseMove(QMouseEvent *event);
    void setReadout(const QString &text);

    QLabel *m_title = nullptr;
    QLabel *m_note = nullptr;
    QComboBox *m_gradientBox = nullptr;
    QStackedWidget *m_stack = nullptr;
    QWidget *m_messagePage = nullptr;
    QLabel *m_bigValue = nullptr;
    QLabel *m_message = nullptr;
    QWidget *m_plotPage = nullptr;
    QCustomPlot *m_plot = nullptr;
    QWidget *m_mapBar = nullptr;
    QSlider *m_mapSlider = nullptr;
    QLabel *m_mapLabel = nullptr;
    QCustomPlot *m_meansPlot = nullptr;
    QLabel *m_readout = nullptr;

    QCPMarginGroup *m_marginGroup = nullptr;
    QCPColorMap *m_colorMap = nullptr;
    QCPColorScale *m_colorScale = nullptr;
    QCPGraph *m_graph = nullptr;
    QCPItemTracer *m_tracer = nullptr;
    QCPGraph *m_meansGraph = nullptr;
    QCPItemStraightLine *m_meansMarker = nullptr;
    QCPTextElement *m_meansTitle = nullptr;
    std::vector<double> m_meanKeys; // x of each map in the means plot
    QCPRange m_homeKeyRange;
    QCPRange m_homeValueRange;

    tessera::ArrayMeta m_meta;                         // of what is plotted, for readout labels
    tessera::NdArray m_stackValues;                    // the maps of a stack, while one is shown
    tessera::EvaluationResult::Companion m_components; // an EOF's principal components (mode x time)
    tessera::NdArray m_fractions;                      // and the variance each mode explains
    std::optional<tessera::CfTimeUnits> m_timeUnits;   // when the line plot's x axis is dates
    QCPColorGradient::GradientPreset m_gradient = QCPColorGradient::gpThermal;
    bool m_gradientChosen = false; // by the user: then no automatic diverging choice
    bool m_scalarShown = false;
};

} // namespace tessera::ui
