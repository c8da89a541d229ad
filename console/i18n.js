// The console's words in English, Hindi and Telugu, and the locale-aware
// formatting of times and numbers (Intl, hi-IN / te-IN). The Language control
// keeps its English name in every language so anyone can find it.

export const LANGUAGES = [
  { code: 'en', name: 'English', locale: 'en-IN' },
  { code: 'hi', name: 'हिन्दी', locale: 'hi-IN' },
  { code: 'te', name: 'తెలుగు', locale: 'te-IN' },
];

const WORDS = {
  en: {
    manageChannels: 'Channels: add, check, register', addChannel: 'Add channel', changeChannel: 'Change channel', channelId: 'Channel id', channelKind: 'Kind', check: 'Check', checking: 'Checking…', register: 'Register', disable: 'Disable', enable: 'Enable', disabled: 'disabled', addedHere: 'added here', fromFile: 'configuration file (read-only here)', checkResult: 'Check result', checkPassed: 'Every step passed', checkFailed: 'A step failed', noSecretsKey: 'Channels with secrets can be added here once server.secrets_key_file is set.', secretKept: 'set; leave empty to keep', onePerLine: 'one per line', defaultValue: 'default', fixFields: 'Fix the fields marked above.', confirmRemoveChannel: 'Remove channel {id}? Its provider’s messages will no longer be taken.',
    audit: 'Audit', auditActor: 'Who', auditAction: 'Action', auditWhen: 'When', auditTarget: 'What', auditChange: 'Change', contactDirectory: 'Contacts', directoryNeedsHistory: 'The directory and search read the history (PostgreSQL): configure a history section, or it is unavailable right now.', findContact: 'Find a contact', mergeFrom: 'Merge into this one the contact with id', merge: 'Merge', export: 'Export (JSON)', erase: 'Erase', confirmErase: 'Erase {who} and every conversation they had, everywhere? This cannot be undone.',
    search: 'Search', searchPlaceholder: 'Search names, phones, words… (Ctrl+K)', searchResults: 'Search results', noResults: 'Nothing found', moreResults: 'More results', searchUnavailable: 'The history cannot be searched right now; try again shortly.',
    manageLabels: 'Labels', labelName: 'Label', description: 'Description', colour: 'Colour', labelsStay: 'Removing a label here keeps it on the conversations that have it.', lag: 'Lag', lastPoll: 'Last poll', rateLimit: 'Rate limit', perSecond: '{n}/s', satisfaction: 'Satisfaction (1–5)', average: 'Average', wallClock: 'Waited (clock time)', businessClock: 'Business hours (SLA clock)', metOf: '{met} of {n}', score: 'Score', reports: 'Reports', from: 'From', to: 'To', groupBy: 'Group by', timeZone: 'Time zone', measure: 'Chart', downloadCsv: 'Download CSV', count: 'Count', compliance: 'In time', noData: 'Nothing recorded in this period', chartLabel: '{m}, clock time waited: median (dark) and 90th percentile (pale); share in time at the end', reportTable: 'Response times', by_queue: 'Queue', by_channel: 'Channel', by_agent: 'Agent', by_label: 'Label', by_day: 'Day',
    tokenOnce: 'The token of {who}, shown only now (only its digest is kept):', newToken: 'New token',
    manageAgents: 'Manage agents', addAgent: 'Add agent', agentId: 'Id', name: 'Name', skills: 'Skills', save: 'Save',
    edit: 'Edit', rotateToken: 'New token', remove: 'Remove', confirmRemove: 'Remove agent {who}?', shortcut: 'Shortcut',
    configAgents: 'Agents defined in the configuration file are changed there.',
    channels: 'Channels', lastInbound: 'Last inbound', lastError: 'Last error', deadLettered: 'Dead letters',
    deadLetters: 'Dead letters', retry: 'Retry', reassign: 'Reassign', board: 'Supervisor board', queues: 'Queues', agents: 'Agents', sla: 'SLA', alerts: 'Alerts', depth: 'Depth',
    oldestWait: 'Oldest wait', agentsAvailable: 'Available', atRisk: 'At risk', breached: 'Breached',
    since: 'Since', load: 'Load', conversationCol: 'Conversation', target: 'Target', due: 'Due',
    noAlerts: 'No alerts yet', notAdmin: 'The board is for the admin token. Agents work in the console.',
    openConsole: 'Open the console', adminHelp: 'Paste the admin token.', resolution: 'Resolution',
    readConversation: 'Conversation', nobodyAtRisk: 'Nothing at risk or breached', total: 'Total',
    title: 'omniroute console', token: 'Token', signIn: 'Sign in', signOut: 'Sign out',
    signInHelp: 'Paste your agent token. It is exchanged for a session and never kept in this page.',
    wrongToken: 'No agent or admin has this token.', status: 'Status', available: 'Available', away: 'Away',
    offline: 'Offline', conversations: 'Conversations', mine: 'Mine', waiting: 'Waiting', offers: 'Offers',
    accept: 'Accept', reject: 'Reject', offerExpires: 'expires in {s} s', transcript: 'Transcript', reply: 'Reply',
    send: 'Send', note: 'Note', resolve: 'Resolve', transfer: 'Transfer', labels: 'Labels', addLabel: 'Add label',
    removeLabel: 'Remove label {label}', allLabels: 'All labels', labelFilter: 'Filter by label', contact: 'Contact',
    handles: 'Handles', attributes: 'Attributes', history: 'Conversations of this person',
    noConversation: 'Choose a conversation', back: 'Back', empty: 'Nothing here', emptyWaiting: 'No one is waiting',
    notePlaceholder: 'A private note: agents see it, the customer never does',
    replyPlaceholder: 'Write a reply — Enter sends, Shift+Enter for a new line, / for canned responses',
    queued: 'queued', retrying: 'retrying', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed',
    noteMark: 'Private note', you: 'You', customer: 'Customer', firstResponse: 'First response',
    nextResponse: 'Next response', dueIn: 'due in {t}', overdue: 'overdue by {t}', transferTo: 'Transfer to',
    queue: 'Queue', agent: 'Agent', cancel: 'Cancel', noRoom: 'No one with room', reconnecting: 'Reconnecting…',
    viewing: '{who} is viewing', typing: '{who} is typing…', notifications: 'Notifications',
    shortcuts: 'Keyboard shortcuts', close: 'Close', shortcutNext: 'next conversation',
    shortcutPrev: 'previous conversation', shortcutReply: 'write a reply', shortcutNote: 'write a note',
    shortcutResolve: 'resolve', shortcutHelp: 'this list', language: 'Language', attachments: 'Attachments',
    unread: 'unread', readOnly: 'Read only: it waits in a queue you serve', canned: 'Canned responses',
    noCanned: 'No canned response matches', sending: 'Sending…', error: 'Something went wrong: {m}',
    channel: 'Channel', detected: 'Language', resolved: 'resolved', open: 'open',
    needsAnswer: 'waiting for your answer',
  },
  hi: {
    manageChannels: 'चैनल: जोड़ें, जाँचें, रजिस्टर करें', addChannel: 'चैनल जोड़ें', changeChannel: 'चैनल बदलें', channelId: 'चैनल आईडी', channelKind: 'प्रकार', check: 'जाँचें', checking: 'जाँच हो रही है…', register: 'रजिस्टर करें', disable: 'बंद करें', enable: 'चालू करें', disabled: 'बंद', addedHere: 'यहाँ जोड़ा गया', fromFile: 'कॉन्फ़िगरेशन फ़ाइल (यहाँ केवल पढ़ने के लिए)', checkResult: 'जाँच का नतीजा', checkPassed: 'हर चरण सफल रहा', checkFailed: 'एक चरण विफल रहा', noSecretsKey: 'server.secrets_key_file सेट होने पर ही गुप्त कुंजियों वाले चैनल यहाँ जोड़े जा सकते हैं।', secretKept: 'सेट है; रखने के लिए खाली छोड़ें', onePerLine: 'हर पंक्ति में एक', defaultValue: 'डिफ़ॉल्ट', fixFields: 'ऊपर चिह्नित फ़ील्ड ठीक करें।', confirmRemoveChannel: 'चैनल {id} हटाएँ? उसके प्रदाता के संदेश अब नहीं लिए जाएँगे।',
    audit: 'ऑडिट', auditActor: 'किसने', auditAction: 'क्रिया', auditWhen: 'कब', auditTarget: 'क्या', auditChange: 'बदलाव', contactDirectory: 'संपर्क', directoryNeedsHistory: 'सूची और खोज इतिहास (PostgreSQL) से पढ़ते हैं: history सेक्शन जोड़ें, या वह अभी उपलब्ध नहीं है।', findContact: 'संपर्क ढूँढें', mergeFrom: 'इसमें यह संपर्क मिलाएँ', merge: 'मिलाएँ', export: 'निर्यात (JSON)', erase: 'मिटाएँ', confirmErase: '{who} और उनकी हर बातचीत हर जगह से मिटाएँ? यह वापस नहीं होगा।',
    search: 'खोजें', searchPlaceholder: 'नाम, फ़ोन, शब्द खोजें… (Ctrl+K)', searchResults: 'खोज के नतीजे', noResults: 'कुछ नहीं मिला', moreResults: 'और नतीजे', searchUnavailable: 'अभी इतिहास में खोज नहीं हो सकती; थोड़ी देर में फिर कोशिश करें।',
    manageLabels: 'लेबल', labelName: 'लेबल', description: 'विवरण', colour: 'रंग', labelsStay: 'यहाँ से हटाया गया लेबल उन बातचीतों पर बना रहता है जिन पर वह लगा है।', lag: 'देरी', lastPoll: 'आखिरी पोल', rateLimit: 'दर सीमा', perSecond: '{n}/से', satisfaction: 'संतुष्टि (1–5)', average: 'औसत', wallClock: 'प्रतीक्षा (घड़ी का समय)', businessClock: 'कामकाजी घंटे (SLA घड़ी)', metOf: '{n} में से {met}', score: 'स्कोर', reports: 'रिपोर्ट', from: 'से', to: 'तक', groupBy: 'समूह', timeZone: 'समय क्षेत्र', measure: 'चार्ट', downloadCsv: 'CSV डाउनलोड करें', count: 'संख्या', compliance: 'समय पर', noData: 'इस अवधि में कुछ दर्ज नहीं', chartLabel: '{m}, घड़ी के समय में प्रतीक्षा: माध्यिका (गहरा) और 90वाँ प्रतिशतक (हल्का); अंत में समय पर का हिस्सा', reportTable: 'जवाब का समय', by_queue: 'कतार', by_channel: 'चैनल', by_agent: 'एजेंट', by_label: 'लेबल', by_day: 'दिन',
    tokenOnce: '{who} का टोकन, केवल अभी दिखाया गया (सिर्फ़ उसका डाइजेस्ट रखा जाता है):', newToken: 'नया टोकन',
    manageAgents: 'एजेंट प्रबंधन', addAgent: 'एजेंट जोड़ें', agentId: 'आईडी', name: 'नाम', skills: 'कौशल', save: 'सहेजें',
    edit: 'बदलें', rotateToken: 'नया टोकन', remove: 'हटाएँ', confirmRemove: 'एजेंट {who} को हटाएँ?', shortcut: 'शॉर्टकट',
    configAgents: 'कॉन्फ़िगरेशन फ़ाइल वाले एजेंट वहीं बदले जाते हैं।',
    channels: 'चैनल', lastInbound: 'आखिरी आने वाला', lastError: 'आखिरी त्रुटि', deadLettered: 'न पहुँचे संदेश',
    deadLetters: 'न पहुँचे संदेश', retry: 'फिर भेजें', reassign: 'फिर से सौंपें', board: 'सुपरवाइज़र बोर्ड', queues: 'कतारें', agents: 'एजेंट', sla: 'SLA', alerts: 'अलर्ट', depth: 'गहराई',
    oldestWait: 'सबसे लंबी प्रतीक्षा', agentsAvailable: 'उपलब्ध', atRisk: 'जोखिम में', breached: 'उल्लंघन',
    since: 'कब से', load: 'भार', conversationCol: 'बातचीत', target: 'लक्ष्य', due: 'देय',
    noAlerts: 'अभी कोई अलर्ट नहीं', notAdmin: 'बोर्ड एडमिन टोकन के लिए है। एजेंट कंसोल में काम करते हैं।',
    openConsole: 'कंसोल खोलें', adminHelp: 'एडमिन टोकन डालें।', resolution: 'समाधान',
    readConversation: 'बातचीत', nobodyAtRisk: 'कुछ भी जोखिम में या विलंबित नहीं', total: 'कुल',
    title: 'omniroute कंसोल', token: 'टोकन', signIn: 'साइन इन करें', signOut: 'साइन आउट करें',
    signInHelp: 'अपना एजेंट टोकन डालें। यह एक सत्र में बदला जाता है और इस पेज में कभी नहीं रखा जाता।',
    wrongToken: 'किसी एजेंट या एडमिन के पास यह टोकन नहीं है।', status: 'स्थिति', available: 'उपलब्ध', away: 'दूर',
    offline: 'ऑफ़लाइन', conversations: 'बातचीत', mine: 'मेरी', waiting: 'प्रतीक्षा में', offers: 'प्रस्ताव',
    accept: 'स्वीकार करें', reject: 'अस्वीकार करें', offerExpires: '{s} सेकंड में समाप्त', transcript: 'बातचीत का ब्योरा',
    reply: 'जवाब', send: 'भेजें', note: 'नोट', resolve: 'हल करें', transfer: 'स्थानांतरित करें', labels: 'लेबल',
    addLabel: 'लेबल जोड़ें', removeLabel: 'लेबल {label} हटाएँ', allLabels: 'सभी लेबल', labelFilter: 'लेबल से छाँटें',
    contact: 'संपर्क', handles: 'पहचान', attributes: 'विशेषताएँ', history: 'इस व्यक्ति की बातचीत',
    noConversation: 'कोई बातचीत चुनें', back: 'वापस', empty: 'यहाँ कुछ नहीं है', emptyWaiting: 'कोई प्रतीक्षा में नहीं है',
    notePlaceholder: 'निजी नोट: एजेंट देखते हैं, ग्राहक कभी नहीं',
    replyPlaceholder: 'जवाब लिखें — Enter भेजता है, Shift+Enter नई पंक्ति, / तैयार जवाबों के लिए',
    queued: 'कतार में', retrying: 'फिर कोशिश', sent: 'भेजा गया', delivered: 'पहुँचा', read: 'पढ़ा गया',
    failed: 'विफल', noteMark: 'निजी नोट', you: 'आप', customer: 'ग्राहक', firstResponse: 'पहला जवाब',
    nextResponse: 'अगला जवाब', dueIn: '{t} में देय', overdue: '{t} से विलंबित', transferTo: 'किसे सौंपें',
    queue: 'कतार', agent: 'एजेंट', cancel: 'रद्द करें', noRoom: 'किसी के पास जगह नहीं', reconnecting: 'फिर से जुड़ रहा है…',
    viewing: '{who} देख रहे हैं', typing: '{who} लिख रहे हैं…', notifications: 'सूचनाएँ',
    shortcuts: 'कीबोर्ड शॉर्टकट', close: 'बंद करें', shortcutNext: 'अगली बातचीत', shortcutPrev: 'पिछली बातचीत',
    shortcutReply: 'जवाब लिखें', shortcutNote: 'नोट लिखें', shortcutResolve: 'हल करें', shortcutHelp: 'यह सूची',
    language: 'Language', attachments: 'संलग्नक', unread: 'अपठित',
    readOnly: 'केवल पढ़ने के लिए: यह आपकी कतार में प्रतीक्षा कर रही है', canned: 'तैयार जवाब',
    noCanned: 'कोई तैयार जवाब नहीं मिला', sending: 'भेजा जा रहा है…', error: 'कुछ गलत हुआ: {m}', channel: 'चैनल',
    detected: 'भाषा', resolved: 'हल हुई', open: 'खुली', needsAnswer: 'आपके जवाब की प्रतीक्षा',
  },
  te: {
    manageChannels: 'ఛానెల్‌లు: జోడించండి, తనిఖీ చేయండి, నమోదు చేయండి', addChannel: 'ఛానెల్ జోడించండి', changeChannel: 'ఛానెల్ మార్చండి', channelId: 'ఛానెల్ ఐడి', channelKind: 'రకం', check: 'తనిఖీ', checking: 'తనిఖీ జరుగుతోంది…', register: 'నమోదు', disable: 'ఆపివేయండి', enable: 'ప్రారంభించండి', disabled: 'ఆపివేయబడింది', addedHere: 'ఇక్కడ జోడించబడింది', fromFile: 'కాన్ఫిగరేషన్ ఫైల్ (ఇక్కడ చదవడానికి మాత్రమే)', checkResult: 'తనిఖీ ఫలితం', checkPassed: 'ప్రతి దశ విజయవంతమైంది', checkFailed: 'ఒక దశ విఫలమైంది', noSecretsKey: 'server.secrets_key_file సెట్ చేసిన తర్వాతే రహస్యాలు ఉన్న ఛానెల్‌లను ఇక్కడ జోడించవచ్చు.', secretKept: 'సెట్ చేయబడింది; ఉంచడానికి ఖాళీగా వదలండి', onePerLine: 'ప్రతి పంక్తికి ఒకటి', defaultValue: 'డిఫాల్ట్', fixFields: 'పైన గుర్తించిన ఫీల్డ్‌లను సరిచేయండి.', confirmRemoveChannel: 'ఛానెల్ {id} తొలగించాలా? దాని ప్రొవైడర్ సందేశాలు ఇకపై తీసుకోబడవు.',
    audit: 'ఆడిట్', auditActor: 'ఎవరు', auditAction: 'చర్య', auditWhen: 'ఎప్పుడు', auditTarget: 'ఏది', auditChange: 'మార్పు', contactDirectory: 'పరిచయాలు', directoryNeedsHistory: 'జాబితా మరియు వెతుకులాట చరిత్ర (PostgreSQL) నుండి చదువుతాయి: history విభాగాన్ని జోడించండి, లేదా అది ప్రస్తుతం అందుబాటులో లేదు.', findContact: 'పరిచయాన్ని కనుగొనండి', mergeFrom: 'ఈ పరిచయంలో కలపండి', merge: 'కలపండి', export: 'ఎగుమతి (JSON)', erase: 'తొలగించు', confirmErase: '{who} మరియు వారి ప్రతి సంభాషణను అన్నిచోట్లా తొలగించాలా? ఇది తిరిగి రాదు.',
    search: 'వెతుకు', searchPlaceholder: 'పేర్లు, ఫోన్లు, పదాలు వెతకండి… (Ctrl+K)', searchResults: 'వెతుకులాట ఫలితాలు', noResults: 'ఏమీ దొరకలేదు', moreResults: 'మరిన్ని ఫలితాలు', searchUnavailable: 'ప్రస్తుతం చరిత్రలో వెతకలేము; కాసేపటి తర్వాత మళ్లీ ప్రయత్నించండి.',
    manageLabels: 'లేబుళ్లు', labelName: 'లేబుల్', description: 'వివరణ', colour: 'రంగు', labelsStay: 'ఇక్కడ తీసివేసిన లేబుల్ అది ఉన్న సంభాషణలపై అలాగే ఉంటుంది.', lag: 'ఆలస్యం', lastPoll: 'చివరి పోల్', rateLimit: 'రేటు పరిమితి', perSecond: '{n}/సె', satisfaction: 'సంతృప్తి (1–5)', average: 'సగటు', wallClock: 'వేచిన సమయం (గడియారం)', businessClock: 'పని గంటలు (SLA గడియారం)', metOf: '{n}లో {met}', score: 'స్కోరు', reports: 'నివేదికలు', from: 'నుండి', to: 'వరకు', groupBy: 'సమూహం', timeZone: 'సమయ మండలం', measure: 'చార్ట్', downloadCsv: 'CSV డౌన్‌లోడ్', count: 'సంఖ్య', compliance: 'సమయానికి', noData: 'ఈ వ్యవధిలో ఏమీ నమోదు కాలేదు', chartLabel: '{m}, గడియార సమయంలో వేచినది: మధ్యస్థం (ముదురు) మరియు 90వ శతాంశం (లేత); చివర సమయానికి వాటా', reportTable: 'జవాబు సమయాలు', by_queue: 'క్యూ', by_channel: 'ఛానల్', by_agent: 'ఏజెంట్', by_label: 'లేబుల్', by_day: 'రోజు',
    tokenOnce: '{who} టోకెన్, ఇప్పుడు మాత్రమే చూపిస్తున్నాం (దాని డైజెస్ట్ మాత్రమే ఉంచుతాం):', newToken: 'కొత్త టోకెన్',
    manageAgents: 'ఏజెంట్ల నిర్వహణ', addAgent: 'ఏజెంట్‌ను జోడించు', agentId: 'ఐడీ', name: 'పేరు', skills: 'నైపుణ్యాలు', save: 'భద్రపరచు',
    edit: 'మార్చు', rotateToken: 'కొత్త టోకెన్', remove: 'తీసివేయి', confirmRemove: 'ఏజెంట్ {who}ని తీసివేయాలా?', shortcut: 'షార్ట్‌కట్',
    configAgents: 'కాన్ఫిగరేషన్ ఫైల్‌లోని ఏజెంట్లను అక్కడే మార్చాలి.',
    channels: 'ఛానళ్లు', lastInbound: 'చివరి ఇన్‌బౌండ్', lastError: 'చివరి లోపం', deadLettered: 'చేరని సందేశాలు',
    deadLetters: 'చేరని సందేశాలు', retry: 'మళ్లీ పంపు', reassign: 'మళ్లీ అప్పగించు', board: 'సూపర్‌వైజర్ బోర్డు', queues: 'వరుసలు', agents: 'ఏజెంట్లు', sla: 'SLA', alerts: 'హెచ్చరికలు', depth: 'లోతు',
    oldestWait: 'అత్యంత పాత నిరీక్షణ', agentsAvailable: 'అందుబాటులో', atRisk: 'ప్రమాదంలో', breached: 'ఉల్లంఘన',
    since: 'ఎప్పటి నుండి', load: 'భారం', conversationCol: 'సంభాషణ', target: 'లక్ష్యం', due: 'గడువు',
    noAlerts: 'ఇంకా హెచ్చరికలు లేవు', notAdmin: 'బోర్డు అడ్మిన్ టోకెన్ కోసం. ఏజెంట్లు కన్సోల్‌లో పని చేస్తారు.',
    openConsole: 'కన్సోల్ తెరవండి', adminHelp: 'అడ్మిన్ టోకెన్ ఇవ్వండి.', resolution: 'పరిష్కారం',
    readConversation: 'సంభాషణ', nobodyAtRisk: 'ఏదీ ప్రమాదంలో లేదా ఆలస్యంలో లేదు', total: 'మొత్తం',
    title: 'omniroute కన్సోల్', token: 'టోకెన్', signIn: 'సైన్ ఇన్ చేయండి', signOut: 'సైన్ అవుట్ చేయండి',
    signInHelp: 'మీ ఏజెంట్ టోకెన్ ఇవ్వండి. దీన్ని ఒక సెషన్‌గా మారుస్తాం, ఈ పేజీలో ఎప్పుడూ ఉంచం.',
    wrongToken: 'ఈ టోకెన్ ఏ ఏజెంట్‌కూ అడ్మిన్‌కూ లేదు.', status: 'స్థితి', available: 'అందుబాటులో', away: 'దూరంగా',
    offline: 'ఆఫ్‌లైన్', conversations: 'సంభాషణలు', mine: 'నావి', waiting: 'వేచి ఉన్నవి', offers: 'ఆఫర్లు',
    accept: 'అంగీకరించు', reject: 'తిరస్కరించు', offerExpires: '{s} సెకన్లలో ముగుస్తుంది', transcript: 'సంభాషణ పాఠం',
    reply: 'జవాబు', send: 'పంపు', note: 'నోట్', resolve: 'పరిష్కరించు', transfer: 'బదిలీ చేయి', labels: 'లేబుళ్లు',
    addLabel: 'లేబుల్ జోడించు', removeLabel: 'లేబుల్ {label} తీసివేయి', allLabels: 'అన్ని లేబుళ్లు',
    labelFilter: 'లేబుల్‌తో వడపోత', contact: 'సంప్రదింపు', handles: 'గుర్తింపులు', attributes: 'లక్షణాలు',
    history: 'ఈ వ్యక్తి సంభాషణలు', noConversation: 'ఒక సంభాషణ ఎంచుకోండి', back: 'వెనుకకు', empty: 'ఇక్కడ ఏమీ లేదు',
    emptyWaiting: 'ఎవరూ వేచి లేరు', notePlaceholder: 'ప్రైవేట్ నోట్: ఏజెంట్లు చూస్తారు, కస్టమర్ ఎప్పుడూ చూడరు',
    replyPlaceholder: 'జవాబు రాయండి — Enter పంపుతుంది, Shift+Enter కొత్త లైన్, / సిద్ధ జవాబుల కోసం',
    queued: 'వరుసలో', retrying: 'మళ్లీ ప్రయత్నం', sent: 'పంపబడింది', delivered: 'చేరింది', read: 'చదివారు',
    failed: 'విఫలమైంది', noteMark: 'ప్రైవేట్ నోట్', you: 'మీరు', customer: 'కస్టమర్', firstResponse: 'మొదటి జవాబు',
    nextResponse: 'తదుపరి జవాబు', dueIn: '{t}లో గడువు', overdue: '{t} ఆలస్యం', transferTo: 'ఎవరికి బదిలీ',
    queue: 'వరుస', agent: 'ఏజెంట్', cancel: 'రద్దు చేయి', noRoom: 'ఎవరికీ ఖాళీ లేదు', reconnecting: 'మళ్లీ కలుపుతోంది…',
    viewing: '{who} చూస్తున్నారు', typing: '{who} రాస్తున్నారు…', notifications: 'నోటిఫికేషన్లు',
    shortcuts: 'కీబోర్డ్ షార్ట్‌కట్లు', close: 'మూసివేయి', shortcutNext: 'తదుపరి సంభాషణ', shortcutPrev: 'మునుపటి సంభాషణ',
    shortcutReply: 'జవాబు రాయండి', shortcutNote: 'నోట్ రాయండి', shortcutResolve: 'పరిష్కరించు', shortcutHelp: 'ఈ జాబితా',
    language: 'Language', attachments: 'జోడింపులు', unread: 'చదవనివి',
    readOnly: 'చదవడానికి మాత్రమే: ఇది మీ వరుసలో వేచి ఉంది', canned: 'సిద్ధ జవాబులు', noCanned: 'సరిపోయే సిద్ధ జవాబు లేదు',
    sending: 'పంపుతోంది…', error: 'ఏదో తప్పు జరిగింది: {m}', channel: 'ఛానల్', detected: 'భాష', resolved: 'పరిష్కరించబడింది',
    open: 'తెరిచి ఉంది', needsAnswer: 'మీ జవాబు కోసం వేచి ఉంది',
  },
};

/// The interface language: the one chosen before (kept in this browser), else the browser's own.
export function initialLanguage() {
  const saved = globalThis.localStorage?.getItem('omniroute.language');
  if (saved && WORDS[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const code = String(l).slice(0, 2).toLowerCase();
    if (WORDS[code]) return code;
  }
  return 'en';
}

export function rememberLanguage(code) {
  globalThis.localStorage?.setItem('omniroute.language', code);
}

/// A translator for `code`: t('dueIn', {t: '5 min'}).
export function translator(code) {
  const words = WORDS[code] || WORDS.en;
  return (key, params) => {
    let s = words[key] ?? WORDS.en[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}

export function localeOf(code) {
  return (LANGUAGES.find((l) => l.code === code) || LANGUAGES[0]).locale;
}

/// A time as the agent reads it: today's as hh:mm, older ones with their date.
export function formatTime(iso, code) {
  if (!iso) return '';
  const d = new Date(iso);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const options = sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(localeOf(code), options).format(d);
}

/// A span of milliseconds as "4 min" / "1 h 5 min" / "35 s", in the interface language.
export function formatSpan(ms, code) {
  const locale = localeOf(code);
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (value, u) => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  if (s < 60) return unit(s, 'second');
  const m = Math.floor(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.floor(m / 60);
  return `${unit(h, 'hour')} ${unit(m % 60, 'minute')}`;
}

export function formatNumber(n, code) {
  return new Intl.NumberFormat(localeOf(code)).format(n);
}
