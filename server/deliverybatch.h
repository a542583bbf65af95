#pragma once

#include "encodedframe.h"

#include <QList>

class Session;

// Everything the room delivers after one store batch, written to each member with one write:
// under load a member costs one system call per turn of the event loop, not one per message.
// Members that get something different (a sender gets its ack instead of its own message, a
// direct message goes to one member) get bytes of their own; everyone else shares one buffer.
class DeliveryBatch
{
public:
    void toAllBut(const EncodedFrame &frame, const Session *except);
    void toOne(Session *recipient, const EncodedFrame &frame);
    bool isEmpty() const { return m_items.isEmpty(); }

    // Writes the batch in order; members are the sessions a broadcast reaches.
    void send(const QList<Session *> &members) const;

private:
    struct Item
    {
        EncodedFrame frame;
        const Session *except = nullptr; // a broadcast to all but this member
        Session *only = nullptr; // or a frame for this session alone
    };
    QList<Item> m_items;
};
