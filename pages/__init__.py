"""The pages readers see: the front page, the article page, the lists, the newsroom's
preview and the admin's home figures, composed from every app below; and the publisher's
own pages (legal notice, privacy, cookies, contact, about us) that every footer links to.

An app of its own because composing a page is what ties the others together: the
article page shows the catalogue (`articles`), what this reader may read
(`subscriptions`) and the discussion (`comments`). Keeping that composition here lets
imports run one way: pages → comments → subscriptions → articles → infrastructure.
"""
