#include "deliverybatch.h"

#include "session.h"

#include <QSet>

void DeliveryBatch::toAllBut(const EncodedFrame &frame, const Session *except)
{
    m_items.append({ frame, except, nullptr });
}

void DeliveryBatch::toOne(Session *recipient, const EncodedFrame &frame)
{
    if (recipient)
        m_items.append({ frame, nullptr, recipient });
}

void DeliveryBatch::send(const QList<Session *> &members) const
{
    QSet<const Session *> ownBytes;
    for (const Item &item : m_items)
        ownBytes.insert(item.only ? item.only : item.except);
    ownBytes.remove(nullptr);

    // Plain-text bytes are only built if a plain-text member is there to read them.
    QByteArray sharedJson;
    QByteArray sharedPlainText;
    bool plainTextBuilt = false;
    for (const Item &item : m_items) {
        if (!item.only)
            sharedJson += item.frame.json();
    }
    // A session gets the broadcasts that do not exclude it only while it is a member; frames
    // addressed to it (an ack for a sender that has just left, say) reach it either way.
    auto bytesFor = [this](const Session *session, Session::Face face, bool member) {
        QByteArray bytes;
        for (const Item &item : m_items) {
            const bool wanted = item.only ? item.only == session
                                          : member && (!item.except || item.except != session);
            if (wanted)
                bytes += face == Session::Face::PlainText ? item.frame.plainText()
                                                          : item.frame.json();
        }
        return bytes;
    };

    for (Session *member : members) {
        if (ownBytes.remove(member)) {
            member->deliverBytes(bytesFor(member, member->face(), true));
        } else if (member->face() == Session::Face::PlainText) {
            if (!plainTextBuilt) {
                sharedPlainText = bytesFor(nullptr, Session::Face::PlainText, true);
                plainTextBuilt = true;
            }
            member->deliverBytes(sharedPlainText);
        } else if (!sharedJson.isEmpty()) {
            member->deliverBytes(sharedJson);
        }
    }
    for (const Item &item : m_items) {
        if (item.only && ownBytes.remove(item.only))
            item.only->deliverBytes(bytesFor(item.only, item.only->face(), false));
    }
}
