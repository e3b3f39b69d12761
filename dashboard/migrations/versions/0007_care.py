"""care: the 走访慰问记录 (contacts) and the care columns of people (出生日期, 健康状况, 独居, 联系电话)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

from dashboard.triggers import create_change_triggers

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('health', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('lives_alone', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=30), nullable=True))
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('visitor', sa.String(length=40), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_person_date', ['person_id', 'date'], unique=False)
    # the dashboards read contacts: their changes bump store_state like every other table's
    create_change_triggers(op.get_bind(), ('contacts',))


def downgrade() -> None:
    # only this table's triggers: drop_change_triggers would drop the function every table's trigger calls
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS contacts_bump ON contacts')
    else:
        for name in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS contacts_bump_{name}')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_person_date')
    op.drop_table('contacts')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('lives_alone')
        batch_op.drop_column('health')
        batch_op.drop_column('birth_date')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops columns by rebuilding the table, and the rebuilt one has lost its triggers
        create_change_triggers(op.get_bind(), ('people',))
