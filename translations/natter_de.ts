<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ChatClient</name>
    <message>
        <source>Connection to the server lost.</source>
        <translation>Verbindung zum Server verloren.</translation>
    </message>
    <message>
        <source>Some messages may be missing: the server no longer has them all.</source>
        <translation>Möglicherweise fehlen Nachrichten: Der Server hat nicht mehr alle.</translation>
    </message>
    <message>
        <source>Reconnected as %1.</source>
        <translation>Wieder verbunden als %1.</translation>
    </message>
    <message>
        <source>You are in the chat as %1.</source>
        <translation>Du bist als %1 im Chat.</translation>
    </message>
    <message>
        <source>%1 has joined the chat.</source>
        <translation>%1 ist dem Chat beigetreten.</translation>
    </message>
    <message>
        <source>The server is shutting down.</source>
        <translation>Der Server wird heruntergefahren.</translation>
    </message>
    <message>
        <source>%1 has left the chat.</source>
        <translation>%1 hat den Chat verlassen.</translation>
    </message>
    <message>
        <source>No message from %1, %1 will be removed from the chatroom.</source>
        <translation>Keine Nachricht von %1, %1 wird aus dem Chatraum entfernt.</translation>
    </message>
    <message>
        <source>%1 timed out and was removed from the chatroom.</source>
        <translation>%1 hat sich zu lange nicht gemeldet und wurde aus dem Chatraum entfernt.</translation>
    </message>
    <message>
        <source>%1 could not keep up and was removed from the chatroom.</source>
        <translation>%1 kam nicht mehr mit und wurde aus dem Chatraum entfernt.</translation>
    </message>
    <message>
        <source>%1 sent too many messages and was removed from the chatroom.</source>
        <translation>%1 hat zu viele Nachrichten gesendet und wurde aus dem Chatraum entfernt.</translation>
    </message>
    <message>
        <source>The server could not read what was sent.</source>
        <translation>Der Server konnte das Gesendete nicht lesen.</translation>
    </message>
    <message>
        <source>That was too long for the server.</source>
        <translation>Das war zu lang für den Server.</translation>
    </message>
    <message>
        <source>The server does not know that request.</source>
        <translation>Der Server kennt diese Anfrage nicht.</translation>
    </message>
    <message>
        <source>Not in the chat yet.</source>
        <translation>Noch nicht im Chat.</translation>
    </message>
    <message>
        <source>That nickname is taken. Please choose another.</source>
        <translation>Dieser Spitzname ist vergeben. Bitte wähle einen anderen.</translation>
    </message>
    <message>
        <source>The message is too long.</source>
        <translation>Die Nachricht ist zu lang.</translation>
    </message>
    <message>
        <source>Nobody with that nickname is in the chat.</source>
        <translation>Niemand mit diesem Spitznamen ist im Chat.</translation>
    </message>
    <message>
        <source>Too many messages at once; slow down.</source>
        <translation>Zu viele Nachrichten auf einmal – bitte langsamer.</translation>
    </message>
    <message>
        <source>The server is full. Try again later.</source>
        <translation>Der Server ist voll. Versuche es später noch einmal.</translation>
    </message>
    <message>
        <source>Too many connections from this address.</source>
        <translation>Zu viele Verbindungen von dieser Adresse.</translation>
    </message>
    <message>
        <source>The server gave up waiting.</source>
        <translation>Der Server hat das Warten aufgegeben.</translation>
    </message>
    <message>
        <source>The server could not store the message.</source>
        <translation>Der Server konnte die Nachricht nicht speichern.</translation>
    </message>
    <message>
        <source>%1 was removed from the chat by %2.</source>
        <translation>%1 wurde von %2 aus dem Chat entfernt.</translation>
    </message>
    <message>
        <source>%1 was removed from the chat by %2: %3</source>
        <translation>%1 wurde von %2 aus dem Chat entfernt: %3</translation>
    </message>
    <message>
        <source>This server needs a password for that nickname, or for everyone.</source>
        <translation>Dieser Server verlangt ein Passwort für diesen Spitznamen oder für alle.</translation>
    </message>
    <message>
        <source>The password is wrong.</source>
        <translation>Das Passwort ist falsch.</translation>
    </message>
    <message>
        <source>Too many failed logins from this address. Try again in a few minutes.</source>
        <translation>Zu viele fehlgeschlagene Anmeldungen von dieser Adresse. Versuche es in ein paar Minuten noch einmal.</translation>
    </message>
    <message>
        <source>This server only accepts encrypted connections: tick &quot;Use TLS&quot;.</source>
        <translation>Dieser Server nimmt nur verschlüsselte Verbindungen an: Kreuze „TLS verwenden“ an.</translation>
    </message>
    <message>
        <source>Only operators may do that.</source>
        <translation>Das dürfen nur Operatoren.</translation>
    </message>
    <message>
        <source>An operator removed you from the chat.</source>
        <translation>Ein Operator hat dich aus dem Chat entfernt.</translation>
    </message>
    <message>
        <source>A nickname is 1 to 32 letters, digits, &apos;_&apos; or &apos;-&apos;, its letters all of one script.</source>
        <translation>Ein Spitzname besteht aus 1 bis 32 Buchstaben, Ziffern, „_“ oder „-“, die Buchstaben alle aus einer Schrift.</translation>
    </message>
    <message>
        <source>This server speaks another version of Natter&apos;s protocol; update Natter.</source>
        <translation>Dieser Server spricht eine andere Version des Natter-Protokolls; bitte Natter aktualisieren.</translation>
    </message>
    <message>
        <source>%1 has joined %2.</source>
        <translation>%1 ist %2 beigetreten.</translation>
    </message>
    <message>
        <source>%1 removed you from %2.</source>
        <translation>%1 hat dich aus %2 entfernt.</translation>
    </message>
    <message>
        <source>%1 removed you from %2: %3</source>
        <translation>%1 hat dich aus %2 entfernt: %3</translation>
    </message>
    <message>
        <source>%1 has left %2.</source>
        <translation>%1 hat %2 verlassen.</translation>
    </message>
    <message>
        <source>%1 was removed from %2 by %3.</source>
        <translation>%1 wurde von %3 aus %2 entfernt.</translation>
    </message>
    <message>
        <source>%1 cleared the topic.</source>
        <translation>%1 hat das Thema gelöscht.</translation>
    </message>
    <message>
        <source>%1 set the topic: %2</source>
        <translation>%1 hat das Thema gesetzt: %2</translation>
    </message>
    <message>
        <source>%1 invited you to %2. Type /join %3 to join.</source>
        <translation>%1 hat dich nach %2 eingeladen. Mit /join %3 trittst du bei.</translation>
    </message>
    <message>
        <source>You invited %1 to %2.</source>
        <translation>Du hast %1 nach %2 eingeladen.</translation>
    </message>
    <message>
        <source>%1 invited %2 to %3.</source>
        <translation>%1 hat %2 nach %3 eingeladen.</translation>
    </message>
    <message>
        <source>Joining a room needs a connection.</source>
        <translation>Zum Betreten eines Raums ist eine Verbindung nötig.</translation>
    </message>
    <message>
        <source>Only rooms can be left; this is a direct conversation.</source>
        <translation>Nur Räume kann man verlassen; dies ist ein Direktgespräch.</translation>
    </message>
    <message>
        <source>The lobby cannot be left: direct messages go through it.</source>
        <translation>Die Lobby kann man nicht verlassen: Direktnachrichten laufen über sie.</translation>
    </message>
    <message>
        <source>Leaving a room needs a connection.</source>
        <translation>Zum Verlassen eines Raums ist eine Verbindung nötig.</translation>
    </message>
    <message>
        <source>Only rooms have a topic.</source>
        <translation>Nur Räume haben ein Thema.</translation>
    </message>
    <message>
        <source>Invite someone from the room you want them in.</source>
        <translation>Lade jemanden aus dem Raum ein, in dem du ihn haben möchtest.</translation>
    </message>
    <message>
        <source>Not allowed: %1</source>
        <translation>Nicht erlaubt: %1</translation>
    </message>
    <message>
        <source>There is no room of that name (or it is private).</source>
        <translation>Es gibt keinen Raum dieses Namens (oder er ist privat).</translation>
    </message>
    <message>
        <source>A room&apos;s name is 1 to 50 letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>Ein Raumname besteht aus 1 bis 50 Buchstaben, Ziffern, „_“, „-“ oder „.“.</translation>
    </message>
    <message>
        <source>That room is private: its owner has to invite you first.</source>
        <translation>Dieser Raum ist privat: Sein Besitzer muss dich erst einladen.</translation>
    </message>
    <message>
        <source>You are not in that room: join it first.</source>
        <translation>Du bist nicht in diesem Raum: Tritt ihm zuerst bei.</translation>
    </message>
    <message>
        <source>You are in as many rooms as this server allows: leave one first.</source>
        <translation>Du bist in so vielen Räumen, wie dieser Server erlaubt: Verlasse zuerst einen.</translation>
    </message>
    <message>
        <source>Not sent to %1 (you connected to another server): %2</source>
        <translation>Nicht an %1 gesendet (du hast dich mit einem anderen Server verbunden): %2</translation>
    </message>
    <message>
        <source>Not connected: connect first, then retry.</source>
        <translation>Nicht verbunden: Erst verbinden, dann erneut versuchen.</translation>
    </message>
    <message>
        <source>Could not connect to %1:%2: %3</source>
        <translation>Keine Verbindung zu %1:%2: %3</translation>
    </message>
    <message>
        <source>the server closed the connection</source>
        <translation>der Server hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>connection refused (is a Natter server running on that port?)</source>
        <translation>Verbindung abgelehnt (läuft auf diesem Port ein Natter-Server?)</translation>
    </message>
    <message>
        <source>host %1 not found</source>
        <translation>Rechner %1 nicht gefunden</translation>
    </message>
    <message>
        <source>no answer (timed out)</source>
        <translation>keine Antwort (Zeitüberschreitung)</translation>
    </message>
    <message>
        <source>the network is unreachable</source>
        <translation>das Netzwerk ist nicht erreichbar</translation>
    </message>
    <message>
        <source>TLS failure: %1</source>
        <translation>TLS-Fehler: %1</translation>
    </message>
    <message>
        <source>Could not connect to any of %1: %2</source>
        <translation>Keine Verbindung zu einem von %1: %2</translation>
    </message>
    <message>
        <source>Trying the next server, %1.</source>
        <translation>Versuche den nächsten Server, %1.</translation>
    </message>
    <message>
        <source>Reconnected as %1, on %2.</source>
        <translation>Wieder verbunden als %1, auf %2.</translation>
    </message>
    <message>
        <source>You are in the chat as %1, on %2.</source>
        <translation>Du bist als %1 im Chat, auf %2.</translation>
    </message>
    <message>
        <source>Not in the chat: connect first, then change your nickname.</source>
        <translation>Nicht im Chat: Verbinde dich zuerst und ändere dann deinen Spitznamen.</translation>
    </message>
    <message>
        <source>Your last nickname change has no answer yet.</source>
        <translation>Deine letzte Änderung des Spitznamens ist noch unbeantwortet.</translation>
    </message>
    <message>
        <source>Not in the chat: connect first.</source>
        <translation>Nicht im Chat: Verbinde dich zuerst.</translation>
    </message>
    <message>
        <source>You are now known as %1.</source>
        <translation>Du heißt jetzt %1.</translation>
    </message>
    <message>
        <source>%1 is now known as %2.</source>
        <translation>%1 heißt jetzt %2.</translation>
    </message>
    <message>
        <source>You are marked as away: %1</source>
        <translation>Du bist als abwesend markiert: %1</translation>
    </message>
    <message>
        <source>You are no longer marked as away.</source>
        <translation>Du bist nicht mehr als abwesend markiert.</translation>
    </message>
    <message>
        <source>%1 is taken, or looks like a nickname that is online.</source>
        <translation>%1 ist vergeben oder sieht aus wie ein Spitzname, der online ist.</translation>
    </message>
    <message>
        <source>%1 is registered: if it is yours, type /nick %1 PASSWORD.</source>
        <translation>%1 ist registriert: Wenn es deiner ist, tippe /nick %1 PASSWORT.</translation>
    </message>
    <message>
        <source>wrong password for %1.</source>
        <translation>falsches Passwort für %1.</translation>
    </message>
    <message>
        <source>You are still %1: %2</source>
        <translation>Du bist weiterhin %1: %2</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>No suggestions</source>
        <translation>Keine Vorschläge</translation>
    </message>
    <message>
        <source>Add to dictionary</source>
        <translation>Zum Wörterbuch hinzufügen</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a Natter server</source>
        <translation>Mit einem Natter-Server verbinden</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;Nickname:</source>
        <translation>Spitz&amp;name:</translation>
    </message>
    <message>
        <source>Choose the name others will see.</source>
        <translation>Wähle den Namen, den die anderen sehen.</translation>
    </message>
    <message>
        <source>A nickname is 1 to 32 letters, digits, &apos;_&apos; or &apos;-&apos;.</source>
        <translation>Ein Spitzname besteht aus 1 bis 32 Buchstaben, Ziffern, „_“ oder „-“.</translation>
    </message>
    <message>
        <source>&amp;Remember the password</source>
        <translation>Passwort &amp;merken</translation>
    </message>
    <message>
        <source>Use &amp;TLS (encrypted connection)</source>
        <translation>&amp;TLS verwenden (verschlüsselte Verbindung)</translation>
    </message>
    <message>
        <source>Only if the nickname or the server has one</source>
        <translation>Nur wenn der Spitzname oder der Server eines hat</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>A remembered password is stored unencrypted in Natter&apos;s settings file.</source>
        <translation>Ein gemerktes Passwort wird unverschlüsselt in Natters Einstellungsdatei gespeichert.</translation>
    </message>
    <message>
        <source>A nickname&apos;s letters are all of one script, not Latin and Cyrillic (or others) mixed.</source>
        <translation>Die Buchstaben eines Spitznamens stammen alle aus einer Schrift, nicht lateinisch und kyrillisch (oder andere) gemischt.</translation>
    </message>
    <message>
        <source>host, or a cluster&apos;s nodes: a:6789,b:6789</source>
        <translation>Host, oder die Knoten eines Clusters: a:6789,b:6789</translation>
    </message>
    <message>
        <source>A server&apos;s address, or the nodes of one cluster separated by commas, each with its port if it is not the one below. When a node goes away, Natter moves to the next.</source>
        <translation>Die Adresse eines Servers, oder die Knoten eines Clusters durch Kommas getrennt, jeder mit seinem Port, wenn es nicht der unten angegebene ist. Fällt ein Knoten weg, wechselt Natter zum nächsten.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Type a message and press Enter. /help lists commands.</source>
        <translation>Nachricht eingeben und Enter drücken. /help zeigt die Befehle.</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden …</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>You left the chat.</source>
        <translation>Du hast den Chat verlassen.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Natter</source>
        <translation>Ü&amp;ber Natter</translation>
    </message>
    <message>
        <source>You left the chat. Use Chat › Connect… to join again.</source>
        <translation>Du hast den Chat verlassen. Mit Chat › Verbinden … trittst du wieder bei.</translation>
    </message>
    <message>
        <source>Usage: /msg NICK TEXT</source>
        <translation>Verwendung: /msg SPITZNAME TEXT</translation>
    </message>
    <message>
        <source>Online now (%1): %2</source>
        <translation>Jetzt online (%1): %2</translation>
    </message>
    <message>
        <source>Unknown command %1. Type /help for the list.</source>
        <translation>Unbekannter Befehl %1. /help zeigt die Liste.</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde …</translation>
    </message>
    <message>
        <source>Joining the chat…</source>
        <translation>Trete dem Chat bei …</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Connection lost. Reconnecting in %1 s…</source>
        <translation>Verbindung verloren. Neuer Versuch in %1 s …</translation>
    </message>
    <message>
        <source>%1:%2 · %3 online</source>
        <translation>%1:%2 · %3 online</translation>
    </message>
    <message>
        <source>Online: %1</source>
        <translation>Online: %1</translation>
    </message>
    <message>
        <source>About Natter</source>
        <translation>Über Natter</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Natter %1&lt;/h3&gt;&lt;p&gt;A self-hosted desktop chat.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Natter %1&lt;/h3&gt;&lt;p&gt;Ein selbst gehosteter Desktop-Chat.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2, läuft mit Qt %3.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Searching needs a connection.</source>
        <translation>Zum Suchen ist eine Verbindung nötig.</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen …</translation>
    </message>
    <message>
        <source>That message is further back than the view can hold.</source>
        <translation>Diese Nachricht liegt weiter zurück, als die Ansicht fassen kann.</translation>
    </message>
    <message>
        <source>Server certificate changed</source>
        <translation>Serverzertifikat geändert</translation>
    </message>
    <message>
        <source>&lt;b&gt;The certificate of %1 is not the one you trusted before.&lt;/b&gt;&lt;br&gt;Someone may be intercepting the connection. Go on only if the server&apos;s owner told you the certificate was replaced.</source>
        <translation>&lt;b&gt;Das Zertifikat von %1 ist nicht das, dem du zuvor vertraut hast.&lt;/b&gt;&lt;br&gt;Möglicherweise fängt jemand die Verbindung ab. Mach nur weiter, wenn der Betreiber des Servers dir gesagt hat, dass das Zertifikat ersetzt wurde.</translation>
    </message>
    <message>
        <source>Trust the &amp;new certificate</source>
        <translation>Dem &amp;neuen Zertifikat vertrauen</translation>
    </message>
    <message>
        <source>Unknown server certificate</source>
        <translation>Unbekanntes Serverzertifikat</translation>
    </message>
    <message>
        <source>No certificate authority vouches for %1 (its certificate may be self-signed). Compare the fingerprint below with the one the server&apos;s owner gave you.</source>
        <translation>Keine Zertifizierungsstelle bürgt für %1 (das Zertifikat ist vielleicht selbst signiert). Vergleiche den Fingerabdruck unten mit dem, den dir der Betreiber des Servers gegeben hat.</translation>
    </message>
    <message>
        <source>Trust &amp;once</source>
        <translation>&amp;Einmal vertrauen</translation>
    </message>
    <message>
        <source>Trust &amp;always</source>
        <translation>&amp;Immer vertrauen</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;&lt;br&gt;&lt;br&gt;%2</source>
        <translation>SHA-256-Fingerabdruck:&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;&lt;br&gt;&lt;br&gt;%2</translation>
    </message>
    <message>
        <source>Not connected: the server&apos;s certificate was not trusted.</source>
        <translation>Nicht verbunden: Dem Zertifikat des Servers wurde nicht vertraut.</translation>
    </message>
    <message>
        <source>Usage: /kick NICK [REASON]</source>
        <translation>Verwendung: /kick SPITZNAME [GRUND]</translation>
    </message>
    <message>
        <source>Online: %1 (too many to list)</source>
        <translation>Online: %1 (zu viele, um sie aufzulisten)</translation>
    </message>
    <message>
        <source>#%1 (%2)</source>
        <translation>#%1 (%2)</translation>
    </message>
    <message>
        <source>#%1 (%2): %3</source>
        <translation>#%1 (%2): %3</translation>
    </message>
    <message>
        <source>No rooms found.</source>
        <translation>Keine Räume gefunden.</translation>
    </message>
    <message>
        <source>Rooms: %1</source>
        <translation>Räume: %1</translation>
    </message>
    <message>
        <source>&amp;Join or Create a Room…</source>
        <translation>Raum betreten oder an&amp;legen …</translation>
    </message>
    <message>
        <source>Ctrl+J</source>
        <translation>Ctrl+J</translation>
    </message>
    <message>
        <source>&amp;Previous Conversation</source>
        <translation>V&amp;orheriges Gespräch</translation>
    </message>
    <message>
        <source>&amp;Next Conversation</source>
        <translation>&amp;Nächstes Gespräch</translation>
    </message>
    <message>
        <source>Usage: /join ROOM</source>
        <translation>Verwendung: /join RAUM</translation>
    </message>
    <message>
        <source>Usage: /part [ROOM]</source>
        <translation>Verwendung: /part [RAUM]</translation>
    </message>
    <message>
        <source>Usage: /topic TEXT</source>
        <translation>Verwendung: /topic TEXT</translation>
    </message>
    <message>
        <source>Usage: /invite NICK</source>
        <translation>Verwendung: /invite SPITZNAME</translation>
    </message>
    <message>
        <source>You are not in #%1.</source>
        <translation>Du bist nicht in #%1.</translation>
    </message>
    <message>
        <source>Listing rooms needs a connection.</source>
        <translation>Zum Auflisten der Räume ist eine Verbindung nötig.</translation>
    </message>
    <message>
        <source>Direct messages with %1</source>
        <translation>Direktnachrichten mit %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Connect…</source>
        <translation>Verbinden …</translation>
    </message>
    <message>
        <source>Not connected: nothing was sent. Connect (Ctrl+K), then press Enter again.</source>
        <translation>Nicht verbunden: Nichts wurde gesendet. Verbinde dich (Strg+K) und drücke dann erneut Enter.</translation>
    </message>
    <message>
        <source>Too long to send: %1 characters, at most %2. The text stays in the input: shorten it or send it in parts.</source>
        <translation>Zu lang zum Senden: %1 Zeichen, höchstens %2. Der Text bleibt in der Eingabe: Kürze ihn oder sende ihn in Teilen.</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>Could not connect: %1. Trying again in %2 s…</source>
        <translation>Keine Verbindung: %1. Neuer Versuch in %2 s …</translation>
    </message>
    <message>
        <source>Offline: messages cannot be sent. Connect with Ctrl+K.</source>
        <translation>Offline: Nachrichten können nicht gesendet werden. Mit Strg+K verbinden.</translation>
    </message>
    <message>
        <source>%1 (node %2 of %3)</source>
        <translation>%1 (Knoten %2 von %3)</translation>
    </message>
    <message>
        <source>%1 · %2 online</source>
        <translation>%1 · %2 online</translation>
    </message>
    <message>
        <source>Jump to First &amp;Unread</source>
        <translation>Zum ersten &amp;Ungelesenen springen</translation>
    </message>
    <message>
        <source>Alt+U</source>
        <translation>Alt+U</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Usage: /me ACTION</source>
        <translation>Verwendung: /me HANDLUNG</translation>
    </message>
    <message>
        <source>Type a message and press Ctrl+Enter. /help lists commands.</source>
        <translation>Nachricht eingeben und Strg+Enter drücken. /help zeigt die Befehle.</translation>
    </message>
    <message>
        <source>Nothing unread here.</source>
        <translation>Hier ist nichts ungelesen.</translation>
    </message>
    <message>
        <source>Commands: /msg NICK TEXT sends a direct message; /me ACTION says what you do (* nick ACTION); /join ROOM joins or creates a room; /part leaves this room; /rooms [FILTER] lists rooms; /topic TEXT sets this room&apos;s topic; /invite NICK invites someone here; /who lists who is online; /nick NICK [PASSWORD] changes your nickname; /away [REASON] marks you away (alone: back); /kick NICK [REASON] removes someone (from this room: its owner; from the chat: operators); exit or /quit leaves the chat; /help shows this.</source>
        <translation>Befehle: /msg SPITZNAME TEXT sendet eine Direktnachricht; /me HANDLUNG sagt, was du tust (* Spitzname HANDLUNG); /join RAUM betritt einen Raum oder legt ihn an; /part verlässt diesen Raum; /rooms [FILTER] listet Räume auf; /topic TEXT setzt das Thema dieses Raums; /invite SPITZNAME lädt jemanden hierher ein; /who zeigt, wer online ist; /nick SPITZNAME [PASSWORT] ändert deinen Spitznamen; /away [GRUND] markiert dich als abwesend (ohne Grund: zurück); /kick SPITZNAME [GRUND] entfernt jemanden (aus diesem Raum: sein Besitzer; aus dem Chat: Operatoren); exit oder /quit verlässt den Chat; /help zeigt diese Hilfe.</translation>
    </message>
    <message>
        <source>Usage: /nick NICK [PASSWORD]</source>
        <translation>Verwendung: /nick SPITZNAME [PASSWORT]</translation>
    </message>
</context>
<context>
    <name>MemberDelegate</name>
    <message>
        <source>%1 (away)</source>
        <translation>%1 (abwesend)</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>%1 → %2 (direct):</source>
        <translation>%1 → %2 (direkt):</translation>
    </message>
    <message>
        <source>%1 (direct):</source>
        <translation>%1 (direkt):</translation>
    </message>
    <message>
        <source>⌛ sending…</source>
        <translation>⌛ wird gesendet …</translation>
    </message>
    <message>
        <source>✗ not delivered: %1</source>
        <translation>✗ nicht zugestellt: %1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>new messages</source>
        <translation>neue Nachrichten</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>%1 (direct message)</source>
        <translation>%1 (Direktnachricht)</translation>
    </message>
    <message>
        <source>%1 in #%2</source>
        <translation>%1 in #%2</translation>
    </message>
</context>
<context>
    <name>RoomDialog</name>
    <message>
        <source>&amp;Private (only those invited may join)</source>
        <translation>&amp;Privat (nur Eingeladene dürfen beitreten)</translation>
    </message>
    <message>
        <source>Join or Create a Room</source>
        <translation>Raum betreten oder anlegen</translation>
    </message>
    <message>
        <source>Type to search, or a new room&apos;s name</source>
        <translation>Tippen zum Suchen, oder der Name eines neuen Raums</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Betreten</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Anlegen</translation>
    </message>
    <message>
        <source>Listing rooms needs a connection.</source>
        <translation>Zum Auflisten der Räume ist eine Verbindung nötig.</translation>
    </message>
    <message>
        <source>Looking…</source>
        <translation>Suche …</translation>
    </message>
    <message>
        <source>No room matches; Create makes it.</source>
        <translation>Kein Raum passt; „Anlegen“ legt ihn an.</translation>
    </message>
    <message>
        <source>Rooms found: %1</source>
        <translation>Gefundene Räume: %1</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <source>#%1 (private)</source>
        <translation>#%1 (privat)</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Search the conversation and press Enter</source>
        <translation>Im Gespräch suchen und Enter drücken</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft …</translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>Nichts gefunden.</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>%1 gefunden</translation>
    </message>
    <message>
        <source>&amp;All rooms</source>
        <translation>&amp;Alle Räume</translation>
    </message>
    <message>
        <source>(direct) </source>
        <translation>(direkt) </translation>
    </message>
</context>
<context>
    <name>ServerList</name>
    <message>
        <source>No server given.</source>
        <translation>Kein Server angegeben.</translation>
    </message>
    <message>
        <source>An empty entry in the list of servers (two commas, or one at an end).</source>
        <translation>Ein leerer Eintrag in der Liste der Server (zwei Kommas, oder eines am Ende).</translation>
    </message>
    <message>
        <source>%1: a &apos;[&apos; without its &apos;]&apos;.</source>
        <translation>%1: ein „[“ ohne sein „]“.</translation>
    </message>
    <message>
        <source>%1: the port must be 1 to 65535.</source>
        <translation>%1: der Port muss zwischen 1 und 65535 liegen.</translation>
    </message>
    <message>
        <source>%1: write an IPv6 address with a port as [address]:port.</source>
        <translation>%1: eine IPv6-Adresse mit Port schreibt man als [Adresse]:Port.</translation>
    </message>
    <message>
        <source>%1: the address is missing.</source>
        <translation>%1: die Adresse fehlt.</translation>
    </message>
    <message>
        <source>%1: an address has no spaces.</source>
        <translation>%1: eine Adresse enthält keine Leerzeichen.</translation>
    </message>
    <message>
        <source>%1 is listed twice.</source>
        <translation>%1 steht zweimal in der Liste.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Custom &amp;font:</source>
        <translation>Eigene &amp;Schrift:</translation>
    </message>
    <message>
        <source>&amp;Notify me of mentions and direct messages while the window is not active</source>
        <translation>Bei Erwähnungen und Direktnachrichten &amp;benachrichtigen, während das Fenster nicht aktiv ist</translation>
    </message>
    <message>
        <source>Play a &amp;sound with each notification</source>
        <translation>Bei jeder Benachrichtigung einen &amp;Ton abspielen</translation>
    </message>
    <message>
        <source>&amp;Closing the window keeps Natter running in the tray</source>
        <translation>Beim Schließen des Fensters läuft Natter im Infobereich &amp;weiter</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>the language&apos;s (%1)</source>
        <translation>die der Sprache (%1)</translation>
    </message>
    <message>
        <source>HH hours, mm minutes, ss seconds, AP for AM/PM; empty for the language&apos;s own</source>
        <translation>HH Stunden, mm Minuten, ss Sekunden, AP für AM/PM; leer für die der Sprache</translation>
    </message>
    <message>
        <source>e.g. release, backup</source>
        <translation>z. B. Release, Backup</translation>
    </message>
    <message>
        <source>Words that count as mentions of you, besides your nickname: separated by commas or spaces.</source>
        <translation>Wörter, die außer deinem Spitznamen als Erwähnung von dir zählen: durch Kommas oder Leerzeichen getrennt.</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Strg+Enter</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Design:</translation>
    </message>
    <message>
        <source>&amp;Highlight words:</source>
        <translation>&amp;Hervorgehobene Wörter:</translation>
    </message>
    <message>
        <source>S&amp;end with:</source>
        <translation>S&amp;enden mit:</translation>
    </message>
    <message>
        <source>This desktop has no system tray to keep it in.</source>
        <translation>Dieser Desktop hat keinen Infobereich, in dem es bleiben könnte.</translation>
    </message>
    <message>
        <source>T&amp;imestamps:</source>
        <translation>&amp;Zeitangaben:</translation>
    </message>
    <message>
        <source>Check spelling &amp;while typing</source>
        <translation>&amp;Rechtschreibung beim Tippen prüfen</translation>
    </message>
    <message>
        <source>No spelling dictionary is installed (Debian: hunspell-en-us or another hunspell package).</source>
        <translation>Kein Wörterbuch für die Rechtschreibprüfung installiert (Debian: hunspell-en-us oder ein anderes Hunspell-Paket).</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Hide Natter</source>
        <translation>Natter &amp;ausblenden</translation>
    </message>
    <message>
        <source>&amp;Show Natter</source>
        <translation>Natter &amp;zeigen</translation>
    </message>
    <message>
        <source>Natter</source>
        <translation>Natter</translation>
    </message>
    <message numerus="yes">
        <source>Natter: %n unread, you were mentioned</source>
        <translation>
            <numerusform>Natter: %n ungelesen, du wurdest erwähnt</numerusform>
            <numerusform>Natter: %n ungelesen, du wurdest erwähnt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Natter: %n unread</source>
        <translation>
            <numerusform>Natter: %n ungelesen</numerusform>
            <numerusform>Natter: %n ungelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnreadJumpButton</name>
    <message>
        <source>↑ Jump to the first unread message (Alt+U)</source>
        <translation>↑ Zur ersten ungelesenen Nachricht springen (Alt+U)</translation>
    </message>
</context>
<context>
    <name>UserListModel</name>
    <message>
        <source>Away: %1</source>
        <translation>Abwesend: %1</translation>
    </message>
    <message>
        <source>Not online</source>
        <translation>Nicht online</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Natter: chat with everyone on a Natter server.</source>
        <translation>Natter: mit allen auf einem Natter-Server chatten.</translation>
    </message>
    <message>
        <source>Nickname; with --host, connect at once.</source>
        <translation>Spitzname; mit --host wird sofort verbunden.</translation>
    </message>
    <message>
        <source>--port must be 1 to 65535.</source>
        <translation>--port muss zwischen 1 und 65535 liegen.</translation>
    </message>
    <message>
        <source>Server address, or the nodes of one cluster (a:6789,b:6789), tried in turn.</source>
        <translation>Serveradresse, oder die Knoten eines Clusters (a:6789,b:6789), der Reihe nach versucht.</translation>
    </message>
    <message>
        <source>Server port (for --host entries without one).</source>
        <translation>Server-Port (für Einträge von --host ohne eigenen).</translation>
    </message>
</context>
</TS>
