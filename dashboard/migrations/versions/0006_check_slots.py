"""check_slots: the running ledger checks of every server process, one per user and a few in all

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_slots',
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('slot'),
    sa.UniqueConstraint('owner')
    )


def downgrade() -> None:
    op.drop_table('check_slots')
