// SPDX-License-Identifier: BSD-3-Clause
#include "fuzzframes.h"

#include <QDir>
#include <QFile>
#include <QTest>

// Replays every input the fuzzer kept (and the seeds) as an ordinary test, so what was once
// found stays fixed.
class tst_FuzzCorpus : public QObject
{
    Q_OBJECT

private slots:
    void replay_data();
    void replay();
};

void tst_FuzzCorpus::replay_data()
{
    QTest::addColumn<QString>("path");
    const QDir corpus(QStringLiteral(NATTER_FUZZ_CORPUS));
    const QStringList files = corpus.entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 10, "the corpus is missing");
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << corpus.filePath(file);
}

void tst_FuzzCorpus::replay()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QCOMPARE(fuzzFrames(reinterpret_cast<const std::uint8_t *>(bytes.constData()),
                        std::size_t(bytes.size())),
             0);
}

QTEST_APPLESS_MAIN(tst_FuzzCorpus)
#include "tst_fuzzcorpus.moc"
