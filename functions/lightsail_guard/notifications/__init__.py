"""What reaches people (and other tools): alerts, the daily report, action events, and the channels.

- :mod:`.alert`: one alert, built once from an instance's result; subject, text and HTML renderings.
- :mod:`.report`: the daily report as a model; :mod:`.report_text`, :mod:`.report_html`,
  :mod:`.report_json` render it.
- :mod:`.action_event`: each action as an EventBridge event (``event_detail.schema.json``).
- :mod:`.telegram`, :mod:`.telegram_split`: Telegram delivery and message splitting.
- :mod:`.channels`: the configured channels; :mod:`.delivery`: sending on all of them.
"""
