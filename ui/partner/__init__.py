"""The partner's page (pages/participer.py), by concern.

- `identity`: who this device is (address, session, cookie), the personal link, the RGPD download;
- `wording`: the page's French copy (quadrant help, privacy notices, phase, countdown);
- `chrome`: its style and small browser scripts (touch targets, sticky dots left, suggestions);
- `taps`: buttons that survive a server restart, and the fragments a tap redraws alone;
- `messages`: the messages under each part, texts a phase change kept from being saved;
- `text`: participant text as plain text (folded cards, one-line lists);
- `vote_cards`: a topic's vote cards as one custom component (its script, style and data);
- `entry`, `collect`, `vote`, `screen`: the parts of the page (code and joining, the SWOT
  quadrants, the vote, the participant's screen and the closed results).
"""
