"""people.skills and people.willing: the 银发人才库 columns of the 人员 sheet

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


# plain ADD COLUMN, not a batch copy: SQLite's copy-and-move would drop the table's triggers
def upgrade() -> None:
    op.add_column('people', sa.Column('skills', sa.String(length=100), nullable=True))
    op.add_column('people', sa.Column('willing', sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column('people', 'willing')
    op.drop_column('people', 'skills')
