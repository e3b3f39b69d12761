"""Component ids of the 台账导入 page (``/data``): the layout builds with them, callbacks and tests refer to them."""

UPLOAD = "data-upload"                # dcc.Upload: several .xlsx/.csv files
UPLOAD_LABEL = "data-upload-label"    # its visible label
TOKEN = "data-token"                  # dcc.Store: {"token": …} of the checked preview kept on the server
PREVIEW = "data-preview"              # the counts and problems of the last check
CONFIRM = "data-confirm"              # 确认导入
CANCEL = "data-cancel"                # 取消 (forget the checked files)
MESSAGE = "data-message"              # the check's / the import's result, in words (role=status)
LOG = "data-log"                      # the audit log table
LOG_VERSION = "data-log-version"      # dcc.Store: bumped after an import, so the log reloads
TEMPLATE_LINK = "data-template-link"
EXPORT_LINK = "data-export-link"    # the export form's submit button
EXPORT_YEAR = "data-export-year"    # its 导出范围 select: every year, or one

TEMPLATE_URL = "/data/template.xlsx"
EXPORT_URL = "/data/export.xlsx"
