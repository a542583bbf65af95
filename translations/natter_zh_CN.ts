<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChatClient</name>
    <message>
        <source>Connection to the server lost.</source>
        <translation>与服务器的连接已断开。</translation>
    </message>
    <message>
        <source>Some messages may be missing: the server no longer has them all.</source>
        <translation>可能缺少部分消息：服务器已不再保存全部消息。</translation>
    </message>
    <message>
        <source>Reconnected as %1.</source>
        <translation>已重新连接，昵称为 %1。</translation>
    </message>
    <message>
        <source>You are in the chat as %1.</source>
        <translation>你已以 %1 的身份加入聊天。</translation>
    </message>
    <message>
        <source>%1 has joined the chat.</source>
        <translation>%1 加入了聊天。</translation>
    </message>
    <message>
        <source>The server is shutting down.</source>
        <translation>服务器正在关闭。</translation>
    </message>
    <message>
        <source>%1 has left the chat.</source>
        <translation>%1 离开了聊天。</translation>
    </message>
    <message>
        <source>No message from %1, %1 will be removed from the chatroom.</source>
        <translation>没有收到 %1 的消息，%1 将被移出聊天室。</translation>
    </message>
    <message>
        <source>%1 timed out and was removed from the chatroom.</source>
        <translation>%1 连接超时，已被移出聊天室。</translation>
    </message>
    <message>
        <source>%1 could not keep up and was removed from the chatroom.</source>
        <translation>%1 接收过慢，已被移出聊天室。</translation>
    </message>
    <message>
        <source>%1 sent too many messages and was removed from the chatroom.</source>
        <translation>%1 发送消息过多，已被移出聊天室。</translation>
    </message>
    <message>
        <source>The server could not read what was sent.</source>
        <translation>服务器无法读取发送的内容。</translation>
    </message>
    <message>
        <source>That was too long for the server.</source>
        <translation>内容过长，服务器无法接受。</translation>
    </message>
    <message>
        <source>The server does not know that request.</source>
        <translation>服务器不认识该请求。</translation>
    </message>
    <message>
        <source>Not in the chat yet.</source>
        <translation>尚未加入聊天。</translation>
    </message>
    <message>
        <source>That nickname is taken. Please choose another.</source>
        <translation>该昵称已被占用，请换一个。</translation>
    </message>
    <message>
        <source>The message is too long.</source>
        <translation>消息过长。</translation>
    </message>
    <message>
        <source>Nobody with that nickname is in the chat.</source>
        <translation>聊天中没有使用该昵称的人。</translation>
    </message>
    <message>
        <source>Too many messages at once; slow down.</source>
        <translation>消息发送过快，请慢一点。</translation>
    </message>
    <message>
        <source>The server is full. Try again later.</source>
        <translation>服务器已满，请稍后再试。</translation>
    </message>
    <message>
        <source>Too many connections from this address.</source>
        <translation>来自该地址的连接过多。</translation>
    </message>
    <message>
        <source>The server gave up waiting.</source>
        <translation>服务器已停止等待。</translation>
    </message>
    <message>
        <source>The server could not store the message.</source>
        <translation>服务器无法保存该消息。</translation>
    </message>
    <message>
        <source>%1 was removed from the chat by %2.</source>
        <translation>%1 已被 %2 移出聊天。</translation>
    </message>
    <message>
        <source>%1 was removed from the chat by %2: %3</source>
        <translation>%1 已被 %2 移出聊天：%3</translation>
    </message>
    <message>
        <source>This server needs a password for that nickname, or for everyone.</source>
        <translation>此服务器要求该昵称（或所有人）提供密码。</translation>
    </message>
    <message>
        <source>The password is wrong.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <source>Too many failed logins from this address. Try again in a few minutes.</source>
        <translation>此地址登录失败次数过多。请几分钟后再试。</translation>
    </message>
    <message>
        <source>This server only accepts encrypted connections: tick &quot;Use TLS&quot;.</source>
        <translation>此服务器只接受加密连接：请勾选“使用 TLS”。</translation>
    </message>
    <message>
        <source>Only operators may do that.</source>
        <translation>只有管理员可以这样做。</translation>
    </message>
    <message>
        <source>An operator removed you from the chat.</source>
        <translation>管理员已将你移出聊天。</translation>
    </message>
    <message>
        <source>A nickname is 1 to 32 letters, digits, &apos;_&apos; or &apos;-&apos;, its letters all of one script.</source>
        <translation>昵称由 1 到 32 个字母、数字、“_”或“-”组成，且所有字母须属于同一种文字。</translation>
    </message>
    <message>
        <source>This server speaks another version of Natter&apos;s protocol; update Natter.</source>
        <translation>此服务器使用另一版本的 Natter 协议；请更新 Natter。</translation>
    </message>
    <message>
        <source>%1 has joined %2.</source>
        <translation>%1 加入了 %2。</translation>
    </message>
    <message>
        <source>%1 removed you from %2.</source>
        <translation>%1 将你移出了 %2。</translation>
    </message>
    <message>
        <source>%1 removed you from %2: %3</source>
        <translation>%1 将你移出了 %2：%3</translation>
    </message>
    <message>
        <source>%1 has left %2.</source>
        <translation>%1 离开了 %2。</translation>
    </message>
    <message>
        <source>%1 was removed from %2 by %3.</source>
        <translation>%1 被 %3 移出了 %2。</translation>
    </message>
    <message>
        <source>%1 cleared the topic.</source>
        <translation>%1 清除了话题。</translation>
    </message>
    <message>
        <source>%1 set the topic: %2</source>
        <translation>%1 设置了话题：%2</translation>
    </message>
    <message>
        <source>%1 invited you to %2. Type /join %3 to join.</source>
        <translation>%1 邀请你加入 %2。输入 /join %3 即可加入。</translation>
    </message>
    <message>
        <source>You invited %1 to %2.</source>
        <translation>你邀请了 %1 加入 %2。</translation>
    </message>
    <message>
        <source>%1 invited %2 to %3.</source>
        <translation>%1 邀请了 %2 加入 %3。</translation>
    </message>
    <message>
        <source>Joining a room needs a connection.</source>
        <translation>加入房间需要连接。</translation>
    </message>
    <message>
        <source>Only rooms can be left; this is a direct conversation.</source>
        <translation>只能离开房间；这是私聊会话。</translation>
    </message>
    <message>
        <source>The lobby cannot be left: direct messages go through it.</source>
        <translation>不能离开大厅：私信经由大厅传递。</translation>
    </message>
    <message>
        <source>Leaving a room needs a connection.</source>
        <translation>离开房间需要连接。</translation>
    </message>
    <message>
        <source>Only rooms have a topic.</source>
        <translation>只有房间才有话题。</translation>
    </message>
    <message>
        <source>Invite someone from the room you want them in.</source>
        <translation>请在你希望对方加入的房间里邀请。</translation>
    </message>
    <message>
        <source>Not allowed: %1</source>
        <translation>不允许：%1</translation>
    </message>
    <message>
        <source>There is no room of that name (or it is private).</source>
        <translation>没有这个名字的房间（或者它是私密的）。</translation>
    </message>
    <message>
        <source>A room&apos;s name is 1 to 50 letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>房间名由 1 到 50 个字母、数字、“_”、“-”或“.”组成。</translation>
    </message>
    <message>
        <source>That room is private: its owner has to invite you first.</source>
        <translation>该房间是私密的：需要房主先邀请你。</translation>
    </message>
    <message>
        <source>You are not in that room: join it first.</source>
        <translation>你不在该房间中：请先加入。</translation>
    </message>
    <message>
        <source>You are in as many rooms as this server allows: leave one first.</source>
        <translation>你加入的房间数已达服务器上限：请先离开一个。</translation>
    </message>
    <message>
        <source>Not sent to %1 (you connected to another server): %2</source>
        <translation>未发送到 %1（你已连接到另一台服务器）：%2</translation>
    </message>
    <message>
        <source>Not connected: connect first, then retry.</source>
        <translation>未连接：请先连接，然后重试。</translation>
    </message>
    <message>
        <source>Could not connect to %1:%2: %3</source>
        <translation>无法连接到 %1:%2：%3</translation>
    </message>
    <message>
        <source>the server closed the connection</source>
        <translation>服务器关闭了连接</translation>
    </message>
    <message>
        <source>connection refused (is a Natter server running on that port?)</source>
        <translation>连接被拒绝（该端口上是否运行着 Natter 服务器？）</translation>
    </message>
    <message>
        <source>host %1 not found</source>
        <translation>找不到主机 %1</translation>
    </message>
    <message>
        <source>no answer (timed out)</source>
        <translation>无响应（超时）</translation>
    </message>
    <message>
        <source>the network is unreachable</source>
        <translation>网络不可达</translation>
    </message>
    <message>
        <source>TLS failure: %1</source>
        <translation>TLS 错误：%1</translation>
    </message>
    <message>
        <source>Could not connect to any of %1: %2</source>
        <translation>无法连接到 %1 中的任何一个：%2</translation>
    </message>
    <message>
        <source>Trying the next server, %1.</source>
        <translation>正在尝试下一个服务器 %1。</translation>
    </message>
    <message>
        <source>Reconnected as %1, on %2.</source>
        <translation>已重新连接，昵称为 %1，服务器 %2。</translation>
    </message>
    <message>
        <source>You are in the chat as %1, on %2.</source>
        <translation>你已以 %1 的身份加入聊天，服务器 %2。</translation>
    </message>
    <message>
        <source>Not in the chat: connect first, then change your nickname.</source>
        <translation>不在聊天中：请先连接，再更改昵称。</translation>
    </message>
    <message>
        <source>Your last nickname change has no answer yet.</source>
        <translation>上一次更改昵称尚未得到答复。</translation>
    </message>
    <message>
        <source>Not in the chat: connect first.</source>
        <translation>不在聊天中：请先连接。</translation>
    </message>
    <message>
        <source>You are now known as %1.</source>
        <translation>你现在的昵称是 %1。</translation>
    </message>
    <message>
        <source>%1 is now known as %2.</source>
        <translation>%1 现在的昵称是 %2。</translation>
    </message>
    <message>
        <source>You are marked as away: %1</source>
        <translation>你已被标记为离开：%1</translation>
    </message>
    <message>
        <source>You are no longer marked as away.</source>
        <translation>你已不再被标记为离开。</translation>
    </message>
    <message>
        <source>%1 is taken, or looks like a nickname that is online.</source>
        <translation>%1 已被占用，或与某个在线昵称相似。</translation>
    </message>
    <message>
        <source>%1 is registered: if it is yours, type /nick %1 PASSWORD.</source>
        <translation>%1 已注册：如果是你的，请输入 /nick %1 密码。</translation>
    </message>
    <message>
        <source>wrong password for %1.</source>
        <translation>%1 的密码错误。</translation>
    </message>
    <message>
        <source>You are still %1: %2</source>
        <translation>你仍然是 %1：%2</translation>
    </message>
</context>
<context>
    <name>ChatInput</name>
    <message>
        <source>No suggestions</source>
        <translation>没有拼写建议</translation>
    </message>
    <message>
        <source>Add to dictionary</source>
        <translation>添加到词典</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a Natter server</source>
        <translation>连接到 Natter 服务器</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>服务器(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Nickname:</source>
        <translation>昵称(&amp;N)：</translation>
    </message>
    <message>
        <source>Choose the name others will see.</source>
        <translation>选择其他人看到的名字。</translation>
    </message>
    <message>
        <source>A nickname is 1 to 32 letters, digits, &apos;_&apos; or &apos;-&apos;.</source>
        <translation>昵称须为 1 到 32 个字母、数字、“_”或“-”。</translation>
    </message>
    <message>
        <source>&amp;Remember the password</source>
        <translation>记住密码(&amp;R)</translation>
    </message>
    <message>
        <source>Use &amp;TLS (encrypted connection)</source>
        <translation>使用 TLS（加密连接）(&amp;T)</translation>
    </message>
    <message>
        <source>Only if the nickname or the server has one</source>
        <translation>仅当昵称或服务器设有密码时填写</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>密码(&amp;W)：</translation>
    </message>
    <message>
        <source>A remembered password is stored unencrypted in Natter&apos;s settings file.</source>
        <translation>记住的密码会以未加密形式保存在 Natter 的设置文件中。</translation>
    </message>
    <message>
        <source>A nickname&apos;s letters are all of one script, not Latin and Cyrillic (or others) mixed.</source>
        <translation>昵称中的字母须属于同一种文字，不能混用拉丁字母和西里尔字母（或其他文字）。</translation>
    </message>
    <message>
        <source>host, or a cluster&apos;s nodes: a:6789,b:6789</source>
        <translation>主机，或集群的各节点：a:6789,b:6789</translation>
    </message>
    <message>
        <source>A server&apos;s address, or the nodes of one cluster separated by commas, each with its port if it is not the one below. When a node goes away, Natter moves to the next.</source>
        <translation>服务器地址，或用逗号分隔的同一集群的各节点；端口与下方不同的节点须写明其端口。某个节点不可用时，Natter 会转到下一个。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Type a message and press Enter. /help lists commands.</source>
        <translation>输入消息后按回车发送。输入 /help 查看命令。</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>聊天(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>连接(&amp;C)…</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>断开连接(&amp;D)</translation>
    </message>
    <message>
        <source>You left the chat.</source>
        <translation>你已离开聊天。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Natter</source>
        <translation>关于 Natter(&amp;A)</translation>
    </message>
    <message>
        <source>You left the chat. Use Chat › Connect… to join again.</source>
        <translation>你已离开聊天。使用“聊天 › 连接…”重新加入。</translation>
    </message>
    <message>
        <source>Usage: /msg NICK TEXT</source>
        <translation>用法：/msg 昵称 内容</translation>
    </message>
    <message>
        <source>Online now (%1): %2</source>
        <translation>当前在线（%1）：%2</translation>
    </message>
    <message>
        <source>Unknown command %1. Type /help for the list.</source>
        <translation>未知命令 %1。输入 /help 查看命令列表。</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Joining the chat…</source>
        <translation>正在加入聊天…</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Connection lost. Reconnecting in %1 s…</source>
        <translation>连接已断开，%1 秒后重新连接…</translation>
    </message>
    <message>
        <source>%1:%2 · %3 online</source>
        <translation>%1:%2 · %3 人在线</translation>
    </message>
    <message>
        <source>Online: %1</source>
        <translation>在线：%1</translation>
    </message>
    <message>
        <source>About Natter</source>
        <translation>关于 Natter</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Natter %1&lt;/h3&gt;&lt;p&gt;A self-hosted desktop chat.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Natter %1&lt;/h3&gt;&lt;p&gt;可自行托管的桌面聊天程序。&lt;/p&gt;&lt;p&gt;使用 Qt %2 构建，运行于 Qt %3。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Searching needs a connection.</source>
        <translation>搜索需要连接到服务器。</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <source>That message is further back than the view can hold.</source>
        <translation>该消息太早，超出了视图能容纳的范围。</translation>
    </message>
    <message>
        <source>Server certificate changed</source>
        <translation>服务器证书已更改</translation>
    </message>
    <message>
        <source>&lt;b&gt;The certificate of %1 is not the one you trusted before.&lt;/b&gt;&lt;br&gt;Someone may be intercepting the connection. Go on only if the server&apos;s owner told you the certificate was replaced.</source>
        <translation>&lt;b&gt;%1 的证书不是你之前信任的那一个。&lt;/b&gt;&lt;br&gt;可能有人在拦截连接。只有在服务器所有者告诉你证书已更换时才继续。</translation>
    </message>
    <message>
        <source>Trust the &amp;new certificate</source>
        <translation>信任新证书(&amp;N)</translation>
    </message>
    <message>
        <source>Unknown server certificate</source>
        <translation>未知的服务器证书</translation>
    </message>
    <message>
        <source>No certificate authority vouches for %1 (its certificate may be self-signed). Compare the fingerprint below with the one the server&apos;s owner gave you.</source>
        <translation>没有证书颁发机构为 %1 担保（其证书可能是自签名的）。请将下面的指纹与服务器所有者提供给你的指纹进行比较。</translation>
    </message>
    <message>
        <source>Trust &amp;once</source>
        <translation>仅信任一次(&amp;O)</translation>
    </message>
    <message>
        <source>Trust &amp;always</source>
        <translation>始终信任(&amp;A)</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;&lt;br&gt;&lt;br&gt;%2</source>
        <translation>SHA-256 指纹：&lt;br&gt;&lt;tt&gt;%1&lt;/tt&gt;&lt;br&gt;&lt;br&gt;%2</translation>
    </message>
    <message>
        <source>Not connected: the server&apos;s certificate was not trusted.</source>
        <translation>未连接：服务器的证书未被信任。</translation>
    </message>
    <message>
        <source>Usage: /kick NICK [REASON]</source>
        <translation>用法：/kick 昵称 [原因]</translation>
    </message>
    <message>
        <source>Online: %1 (too many to list)</source>
        <translation>在线：%1（人数太多，无法列出）</translation>
    </message>
    <message>
        <source>#%1 (%2)</source>
        <translation>#%1（%2）</translation>
    </message>
    <message>
        <source>#%1 (%2): %3</source>
        <translation>#%1（%2）：%3</translation>
    </message>
    <message>
        <source>No rooms found.</source>
        <translation>没有找到房间。</translation>
    </message>
    <message>
        <source>Rooms: %1</source>
        <translation>房间：%1</translation>
    </message>
    <message>
        <source>&amp;Join or Create a Room…</source>
        <translation>加入或创建房间(&amp;J)…</translation>
    </message>
    <message>
        <source>Ctrl+J</source>
        <translation>Ctrl+J</translation>
    </message>
    <message>
        <source>&amp;Previous Conversation</source>
        <translation>上一个会话(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next Conversation</source>
        <translation>下一个会话(&amp;N)</translation>
    </message>
    <message>
        <source>Usage: /join ROOM</source>
        <translation>用法：/join 房间</translation>
    </message>
    <message>
        <source>Usage: /part [ROOM]</source>
        <translation>用法：/part [房间]</translation>
    </message>
    <message>
        <source>Usage: /topic TEXT</source>
        <translation>用法：/topic 文本</translation>
    </message>
    <message>
        <source>Usage: /invite NICK</source>
        <translation>用法：/invite 昵称</translation>
    </message>
    <message>
        <source>You are not in #%1.</source>
        <translation>你不在 #%1 中。</translation>
    </message>
    <message>
        <source>Listing rooms needs a connection.</source>
        <translation>列出房间需要连接。</translation>
    </message>
    <message>
        <source>Direct messages with %1</source>
        <translation>与 %1 的私信</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Connect…</source>
        <translation>连接…</translation>
    </message>
    <message>
        <source>Not connected: nothing was sent. Connect (Ctrl+K), then press Enter again.</source>
        <translation>未连接：没有发送任何内容。请连接（Ctrl+K），然后再按 Enter。</translation>
    </message>
    <message>
        <source>Too long to send: %1 characters, at most %2. The text stays in the input: shorten it or send it in parts.</source>
        <translation>太长，无法发送：%1 个字符，最多 %2 个。文字保留在输入框中：请缩短或分段发送。</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 @ %2</translation>
    </message>
    <message>
        <source>Could not connect: %1. Trying again in %2 s…</source>
        <translation>无法连接：%1。%2 秒后重试…</translation>
    </message>
    <message>
        <source>Offline: messages cannot be sent. Connect with Ctrl+K.</source>
        <translation>离线：无法发送消息。按 Ctrl+K 连接。</translation>
    </message>
    <message>
        <source>%1 (node %2 of %3)</source>
        <translation>%1（第 %2 个节点，共 %3 个）</translation>
    </message>
    <message>
        <source>%1 · %2 online</source>
        <translation>%1 · %2 人在线</translation>
    </message>
    <message>
        <source>Jump to First &amp;Unread</source>
        <translation>跳到第一条未读(&amp;U)</translation>
    </message>
    <message>
        <source>Alt+U</source>
        <translation>Alt+U</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Usage: /me ACTION</source>
        <translation>用法：/me 动作</translation>
    </message>
    <message>
        <source>Type a message and press Ctrl+Enter. /help lists commands.</source>
        <translation>输入消息后按 Ctrl+回车发送。输入 /help 查看命令。</translation>
    </message>
    <message>
        <source>Nothing unread here.</source>
        <translation>这里没有未读消息。</translation>
    </message>
    <message>
        <source>Commands: /msg NICK TEXT sends a direct message; /me ACTION says what you do (* nick ACTION); /join ROOM joins or creates a room; /part leaves this room; /rooms [FILTER] lists rooms; /topic TEXT sets this room&apos;s topic; /invite NICK invites someone here; /who lists who is online; /nick NICK [PASSWORD] changes your nickname; /away [REASON] marks you away (alone: back); /kick NICK [REASON] removes someone (from this room: its owner; from the chat: operators); exit or /quit leaves the chat; /help shows this.</source>
        <translation>命令：/msg 昵称 文本 发送私信；/me 动作 说出你在做什么（* 昵称 动作）；/join 房间 加入或创建房间；/part 离开此房间；/rooms [筛选] 列出房间；/topic 文本 设置此房间的话题；/invite 昵称 邀请某人来此；/who 列出在线用户；/nick 昵称 [密码] 更改你的昵称；/away [原因] 将你标记为离开（不带原因：回来）；/kick 昵称 [原因] 移出某人（移出此房间：房主；移出聊天：管理员）；exit 或 /quit 离开聊天；/help 显示此帮助。</translation>
    </message>
    <message>
        <source>Usage: /nick NICK [PASSWORD]</source>
        <translation>用法：/nick 昵称 [密码]</translation>
    </message>
</context>
<context>
    <name>MemberDelegate</name>
    <message>
        <source>%1 (away)</source>
        <translation>%1（离开）</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>%1 → %2 (direct):</source>
        <translation>%1 → %2（私信）：</translation>
    </message>
    <message>
        <source>%1 (direct):</source>
        <translation>%1（私信）：</translation>
    </message>
    <message>
        <source>⌛ sending…</source>
        <translation>⌛ 正在发送…</translation>
    </message>
    <message>
        <source>✗ not delivered: %1</source>
        <translation>✗ 未送达：%1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>new messages</source>
        <translation>新消息</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>%1 (direct message)</source>
        <translation>%1（私信）</translation>
    </message>
    <message>
        <source>%1 in #%2</source>
        <translation>%1 在 #%2</translation>
    </message>
</context>
<context>
    <name>RoomDialog</name>
    <message>
        <source>&amp;Private (only those invited may join)</source>
        <translation>私密(&amp;P)（仅受邀者可加入）</translation>
    </message>
    <message>
        <source>Join or Create a Room</source>
        <translation>加入或创建房间</translation>
    </message>
    <message>
        <source>Type to search, or a new room&apos;s name</source>
        <translation>输入以搜索，或输入新房间的名字</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>加入(&amp;J)</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>创建(&amp;R)</translation>
    </message>
    <message>
        <source>Listing rooms needs a connection.</source>
        <translation>列出房间需要连接。</translation>
    </message>
    <message>
        <source>Looking…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <source>No room matches; Create makes it.</source>
        <translation>没有匹配的房间；点“创建”即可创建。</translation>
    </message>
    <message>
        <source>Rooms found: %1</source>
        <translation>找到的房间：%1</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <source>#%1 (private)</source>
        <translation>#%1（私密）</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>话题</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <source>Search the conversation and press Enter</source>
        <translation>搜索聊天记录，按回车开始</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>未找到结果。</translation>
    </message>
    <message>
        <source>%1 found</source>
        <translation>找到 %1 条</translation>
    </message>
    <message>
        <source>&amp;All rooms</source>
        <translation>所有房间(&amp;A)</translation>
    </message>
    <message>
        <source>(direct) </source>
        <translation>（私信）</translation>
    </message>
</context>
<context>
    <name>ServerList</name>
    <message>
        <source>No server given.</source>
        <translation>未指定服务器。</translation>
    </message>
    <message>
        <source>An empty entry in the list of servers (two commas, or one at an end).</source>
        <translation>服务器列表中有空项（连续两个逗号，或末尾有逗号）。</translation>
    </message>
    <message>
        <source>%1: a &apos;[&apos; without its &apos;]&apos;.</source>
        <translation>%1：“[”缺少对应的“]”。</translation>
    </message>
    <message>
        <source>%1: the port must be 1 to 65535.</source>
        <translation>%1：端口必须在 1 到 65535 之间。</translation>
    </message>
    <message>
        <source>%1: write an IPv6 address with a port as [address]:port.</source>
        <translation>%1：带端口的 IPv6 地址请写成 [地址]:端口。</translation>
    </message>
    <message>
        <source>%1: the address is missing.</source>
        <translation>%1：缺少地址。</translation>
    </message>
    <message>
        <source>%1: an address has no spaces.</source>
        <translation>%1：地址中不能有空格。</translation>
    </message>
    <message>
        <source>%1 is listed twice.</source>
        <translation>%1 在列表中出现了两次。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Custom &amp;font:</source>
        <translation>自定义字体(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Notify me of mentions and direct messages while the window is not active</source>
        <translation>窗口未激活时，有人提到我或发来私信时通知我(&amp;N)</translation>
    </message>
    <message>
        <source>Play a &amp;sound with each notification</source>
        <translation>每次通知时播放提示音(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Closing the window keeps Natter running in the tray</source>
        <translation>关闭窗口后 Natter 继续在系统托盘中运行(&amp;C)</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> 磅</translation>
    </message>
    <message>
        <source>the language&apos;s (%1)</source>
        <translation>按语言默认（%1）</translation>
    </message>
    <message>
        <source>HH hours, mm minutes, ss seconds, AP for AM/PM; empty for the language&apos;s own</source>
        <translation>HH 为小时，mm 为分钟，ss 为秒，AP 为上午/下午；留空则按语言默认</translation>
    </message>
    <message>
        <source>e.g. release, backup</source>
        <translation>例如：发布, 备份</translation>
    </message>
    <message>
        <source>Words that count as mentions of you, besides your nickname: separated by commas or spaces.</source>
        <translation>除昵称外也算作提到你的词语：用逗号或空格分隔。</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>回车</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+回车</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Highlight words:</source>
        <translation>高亮词语(&amp;H)：</translation>
    </message>
    <message>
        <source>S&amp;end with:</source>
        <translation>发送方式(&amp;E)：</translation>
    </message>
    <message>
        <source>This desktop has no system tray to keep it in.</source>
        <translation>此桌面没有可驻留的系统托盘。</translation>
    </message>
    <message>
        <source>T&amp;imestamps:</source>
        <translation>时间格式(&amp;I)：</translation>
    </message>
    <message>
        <source>Check spelling &amp;while typing</source>
        <translation>输入时检查拼写(&amp;W)</translation>
    </message>
    <message>
        <source>No spelling dictionary is installed (Debian: hunspell-en-us or another hunspell package).</source>
        <translation>未安装拼写检查词典（Debian：hunspell-en-us 或其他 hunspell 软件包）。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Hide Natter</source>
        <translation>隐藏 Natter(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Show Natter</source>
        <translation>显示 Natter(&amp;S)</translation>
    </message>
    <message>
        <source>Natter</source>
        <translation>Natter</translation>
    </message>
    <message numerus="yes">
        <source>Natter: %n unread, you were mentioned</source>
        <translation>
            <numerusform>Natter：%n 条未读，有人提到了你</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Natter: %n unread</source>
        <translation>
            <numerusform>Natter：%n 条未读</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnreadJumpButton</name>
    <message>
        <source>↑ Jump to the first unread message (Alt+U)</source>
        <translation>↑ 跳到第一条未读消息（Alt+U）</translation>
    </message>
</context>
<context>
    <name>UserListModel</name>
    <message>
        <source>Away: %1</source>
        <translation>离开：%1</translation>
    </message>
    <message>
        <source>Not online</source>
        <translation>不在线</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Natter: chat with everyone on a Natter server.</source>
        <translation>Natter：与 Natter 服务器上的所有人聊天。</translation>
    </message>
    <message>
        <source>Nickname; with --host, connect at once.</source>
        <translation>昵称；与 --host 一起使用时立即连接。</translation>
    </message>
    <message>
        <source>--port must be 1 to 65535.</source>
        <translation>--port 必须在 1 到 65535 之间。</translation>
    </message>
    <message>
        <source>Server address, or the nodes of one cluster (a:6789,b:6789), tried in turn.</source>
        <translation>服务器地址，或同一集群的各节点（a:6789,b:6789），依次尝试。</translation>
    </message>
    <message>
        <source>Server port (for --host entries without one).</source>
        <translation>服务器端口（用于 --host 中未写端口的项）。</translation>
    </message>
</context>
</TS>
